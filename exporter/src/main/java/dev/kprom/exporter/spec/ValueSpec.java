package dev.kprom.exporter.spec;

/**
 * Which part of the map value a metric reads: a struct {@code field} (by BTF), or {@code offset} and {@code size}.
 * Left out, the metric reads the whole value, which must then be a 1, 2, 4 or 8-byte unsigned integer.
 */
public record ValueSpec(String field, Integer offset, Integer size) {}
