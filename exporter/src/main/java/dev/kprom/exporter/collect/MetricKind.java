package dev.kprom.exporter.collect;

/** The three kinds of metric a map can feed. */
public enum MetricKind { COUNTER, GAUGE, HISTOGRAM }
