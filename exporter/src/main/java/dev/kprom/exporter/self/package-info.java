/** kprom's own metrics, through Micrometer on the same Prometheus registry as the probe metrics. */
package dev.kprom.exporter.self;
