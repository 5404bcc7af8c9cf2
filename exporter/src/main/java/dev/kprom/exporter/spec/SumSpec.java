package dev.kprom.exporter.spec;

/**
 * Where a map histogram's BPF program keeps the sum of what it observed, for {@code _sum}: {@code slot: past_max}
 * (the bucket index just past {@code buckets.max} holds the sum, as ebpf_exporter's exp2 helper and kprom.h's
 * {@code kprom_observe_exp2} write it; then only indexes beyond it count in +Inf), or {@code field}, a field of the
 * map's struct values summed over the series' buckets (a value per bucket that carries {count, sum}). The sum is in
 * the observed values' raw units: the buckets' multiplier applies to it. Without it the histogram has no
 * {@code _sum}. Event histograms always have one: kprom sums the field they observe.
 */
public record SumSpec(String slot, String field) {
    public static final String PAST_MAX = "past_max";

    public boolean pastMax() {
        return PAST_MAX.equals(slot);
    }

    /** A map histogram's sum at {@code at}; {@code buckets} its buckets (null when missing). */
    void check(String at, BucketSpec buckets, ProblemSink problems) {
        if ((slot == null) == (field == null)) {
            problems.add(at, "give either slot: past_max or field (got " + (slot == null ? "neither" : "both") + ")");
            return;
        }
        if (slot != null && !pastMax()) {
            problems.add(at + ".slot", "must be past_max (got " + SpecNames.quote(slot) + ")");
        } else if (slot != null && buckets != null && "fixed".equals(buckets.type())) {
            problems.add(at + ".slot", "fixed buckets have no max to put the sum past: use field");
        }
    }
}
