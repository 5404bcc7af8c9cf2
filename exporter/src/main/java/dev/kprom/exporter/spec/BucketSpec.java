package dev.kprom.exporter.spec;

import java.util.List;

/**
 * How a histogram's bucket index (the last key field) maps to an upper bound {@code le}, before the multiplier:
 * <ul>
 *   <li>{@code exp2}: bucket i counts values up to 2^i;</li>
 *   <li>{@code exp2_zero}: bucket 0 counts zeros, bucket i >= 1 values up to 2^(i-1);</li>
 *   <li>{@code linear}: bucket i counts values up to i;</li>
 *   <li>{@code fixed}: bucket i counts values up to {@code bounds[i]}.</li>
 * </ul>
 * Buckets {@code min..max} are exported (for fixed: all bounds); indexes above {@code max} count in +Inf only.
 * {@code multiplier} converts to base units (0.000000001 for nanoseconds to seconds).
 */
public record BucketSpec(String type, Integer min, Integer max, Double multiplier, List<Double> bounds) {
    public static final List<String> TYPES = List.of("exp2", "exp2_zero", "linear", "fixed");

    public BucketSpec {
        bounds = bounds == null ? List.of() : List.copyOf(bounds);
    }

    public int first() {
        return type.equals("fixed") ? 0 : min == null ? 0 : min;
    }

    public int last() {
        return type.equals("fixed") ? bounds.size() - 1 : max;
    }

    /**
     * The bucket a raw value (before the multiplier) falls in, as a BPF program would compute it: the smallest
     * index whose upper bound is at least the value (past the last fixed bound: one past it, the +Inf bucket).
     * Values are unsigned.
     */
    public long indexOf(long raw) {
        return switch (type) {
            case "exp2" -> Long.compareUnsigned(raw, 1) <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(raw - 1);
            case "exp2_zero" -> raw == 0 ? 0 : raw == 1 ? 1 : 65 - Long.numberOfLeadingZeros(raw - 1);
            case "linear" -> raw < 0 ? Long.MAX_VALUE : raw;
            case "fixed" -> {
                double v = raw >= 0 ? raw : (double) (raw >>> 1) * 2.0;
                int i = 0;
                while (i < bounds.size() && bounds.get(i) < v) i++;
                yield i;
            }
            default -> throw new IllegalStateException("bucket type " + type);
        };
    }

    /** Checks a histogram's buckets at {@code at}; {@code b} may be null (then it is missing). */
    static void check(BucketSpec b, String at, ProblemSink problems) {
        if (b == null) {
            problems.add(at, "a histogram needs buckets");
            return;
        }
        if (b.type == null || !TYPES.contains(b.type)) {
            problems.add(
                    at + ".type",
                    "must be one of " + String.join(", ", TYPES) + " (got " + SpecNames.quote(b.type) + ")");
            return;
        }
        if (b.multiplier != null && !(b.multiplier > 0))
            problems.add(at + ".multiplier", "must be > 0 (got " + b.multiplier + ")");
        if (b.type.equals("fixed")) {
            if (b.bounds.isEmpty()) problems.add(at + ".bounds", "fixed buckets need bounds");
            for (int i = 1; i < b.bounds.size(); i++) {
                if (!(b.bounds.get(i) > b.bounds.get(i - 1))) {
                    problems.add(
                            at + ".bounds[" + i + "]",
                            "bounds must increase (got " + b.bounds.get(i) + " after " + b.bounds.get(i - 1) + ")");
                }
            }
            if (b.min != null || b.max != null) problems.add(at, "fixed buckets take bounds, not min and max");
            return;
        }
        if (!b.bounds.isEmpty()) problems.add(at + ".bounds", "only fixed buckets take bounds");
        int lo = b.min == null ? 0 : b.min;
        if (lo < 0) problems.add(at + ".min", "must be >= 0 (got " + lo + ")");
        if (b.max == null) {
            problems.add(at + ".max", "is required");
        } else if (b.max < lo) {
            problems.add(at + ".max", "must be >= min (got " + b.max + " < " + lo + ")");
        } else if (b.max - lo > 1024) {
            problems.add(at + ".max", "at most 1025 buckets (got " + (b.max - lo + 1) + ")");
        } else if (!b.type.equals("linear") && b.max > 64) {
            problems.add(at + ".max", "exp2 buckets go up to 64 (got " + b.max + ")");
        }
    }

    /** The upper bound of bucket {@code index}, in base units. */
    public double upperBound(int index) {
        double m = multiplier == null ? 1.0 : multiplier;
        return m
                * switch (type) {
                    case "exp2" -> Math.pow(2, index);
                    case "exp2_zero" -> index == 0 ? 0 : Math.pow(2, index - 1);
                    case "linear" -> index;
                    case "fixed" -> bounds.get(index);
                    default -> throw new IllegalStateException("bucket type " + type);
                };
    }
}
