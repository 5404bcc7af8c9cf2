package dev.kprom.exporter.status;

/** One metric's map: the last read's time (ISO-8601, or null before the first), entries, and error if it failed. */
public record MapStatus(String metric, String map, String lastRead, long lastEntries, String lastError) {}
