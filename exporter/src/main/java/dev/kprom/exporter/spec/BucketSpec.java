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

    /** The upper bound of bucket {@code index}, in base units. */
    public double upperBound(int index) {
        double m = multiplier == null ? 1.0 : multiplier;
        return m * switch (type) {
            case "exp2" -> Math.pow(2, index);
            case "exp2_zero" -> index == 0 ? 0 : Math.pow(2, index - 1);
            case "linear" -> index;
            case "fixed" -> bounds.get(index);
            default -> throw new IllegalStateException("bucket type " + type);
        };
    }
}
