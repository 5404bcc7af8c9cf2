package dev.kprom.exporter.status;

/**
 * One event map of a running probe set, over all its rings since it started: records taken and turned into metrics,
 * records the kernel dropped because a ring was full, and drains that met a corrupt header.
 */
public record EventStatus(String map, long received, long lost, long corrupt) {}
