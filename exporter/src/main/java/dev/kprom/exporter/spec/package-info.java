/** Immutable metric specs read from probe-set YAML: counters, their labels and decoders. */
package dev.kprom.exporter.spec;
