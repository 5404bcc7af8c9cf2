package dev.kprom.exporter.layout;

/** A metric does not fit its map: {@code path} is the YAML path of the offending field. */
public record LayoutError(String path, String message) {}
