package dev.kprom.exporter.spec;

/**
 * Where a map histogram's BPF program keeps the sum of what it observed, for {@code _sum}: {@code slot: past_max}
 * (the bucket index just past {@code buckets.max} holds the sum, as ebpf_exporter's exp2 helper and kprom.h's
 * {@code kprom_observe_exp2} write it; then only indexes beyond it count in +Inf), {@code field}, a field of the
 * map's struct values summed over the series' buckets (a value per bucket that carries {count, sum}), or {@code map},
 * a map of its own keyed by the histogram's labels without the bucket (the same fields, by size or BTF name), its
 * value one integer: the sum of the series those labels name. The sum is in
 * the observed values' raw units: the buckets' multiplier applies to it. Without it the histogram has no
 * {@code _sum}. Event histograms always have one: kprom sums the field they observe.
 */
public record SumSpec(String slot, String field, String map) {
    public static final String PAST_MAX = "past_max";

    public boolean pastMax() {
        return PAST_MAX.equals(slot);
    }

    /** A map histogram's sum at {@code at}; {@code buckets} its buckets (null when missing). */
    void check(String at, BucketSpec buckets, ProblemSink problems) {
        int given = (slot == null ? 0 : 1) + (field == null ? 0 : 1) + (map == null ? 0 : 1);
        if (given != 1) {
            problems.add(at, "give one of slot: past_max, field or map (got " + (given == 0 ? "none" : given) + ")");
            return;
        }
        if (map != null && !SpecNames.NAME.matcher(map).matches())
            problems.add(at + ".map", "must be a map name, " + SpecNames.NAME + " (got \"" + map + "\")");
        if (slot != null && !pastMax()) {
            problems.add(at + ".slot", "must be past_max (got " + SpecNames.quote(slot) + ")");
        } else if (slot != null && buckets != null && "fixed".equals(buckets.type())) {
            problems.add(at + ".slot", "fixed buckets have no max to put the sum past: use field");
        }
    }
}
