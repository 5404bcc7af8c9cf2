/** Pure Java side of kprom: metric specs, decoders, collectors, HTTP and self-metrics. Never touches the kernel. */
package dev.kprom.exporter;
