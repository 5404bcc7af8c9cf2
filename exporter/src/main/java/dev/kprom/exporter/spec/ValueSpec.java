package dev.kprom.exporter.spec;

import dev.kprom.exporter.source.Field;

/**
 * Which part of the map value a metric reads: a struct {@code field} (by BTF), or {@code offset} and {@code size}.
 * Left out, the metric reads the whole value, which must then be a 1, 2, 4 or 8-byte unsigned integer. A counter's or
 * gauge's {@code multiplier} converts it to base units (0.000000001 for nanoseconds to seconds).
 */
public record ValueSpec(String field, Integer offset, Integer size, Double multiplier) {
    public ValueSpec(String field, Integer offset, Integer size) {
        this(field, offset, size, null);
    }

    /** The factor the value is exported times: 1 unless set. */
    public double multiplierOrOne() {
        return multiplier == null ? 1 : multiplier;
    }

    /** A map metric's value: a field, or an offset and an integer size. */
    void check(String at, ProblemSink problems) {
        if (field != null && (offset != null || size != null))
            problems.add(at, "give either field or offset and size, not both");
        if (offset != null && offset < 0) problems.add(at + ".offset", "must be >= 0 (got " + offset + ")");
        if (multiplier != null && !(multiplier > 0))
            problems.add(at + ".multiplier", "must be > 0 (got " + multiplier + ")");
        if (size != null && !Field.isIntegerSize(size)) {
            problems.add(at + ".size", "must be " + Field.INTEGER_SIZES + " (got " + size + ")");
        }
    }

    /** An event metric's value: a record field, by name only (the record layout knows where it sits). */
    void checkForEvents(String at, ProblemSink problems) {
        if (offset != null || size != null)
            problems.add(at, "name a record field with value.field (offset and size are for map values)");
        if (multiplier != null) problems.add(at + ".multiplier", "is for map values; event metrics count as read");
    }
}
