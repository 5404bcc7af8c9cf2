package dev.kprom.exporter.spec;

import java.util.List;

/**
 * An event stream: records a program writes to a PERF_EVENT_ARRAY or RINGBUF {@code map}, laid out as the BTF
 * struct {@code record} or as explicit {@code fields}, and the counters and histograms kprom computes from them.
 * A counter adds 1 per record (or a numeric field, with {@code value.field}); a histogram observes a numeric
 * field into its {@code buckets}. Labels name record fields ({@code field}, default: the label's name).
 * {@code perf_pages}: data pages per CPU ring (power of 2, default 64); {@code drain_interval_ms}: the longest a
 * record waits in its ring (default 10; a ring filling fast is drained sooner).
 */
public record EventStreamSpec(String map, String record, List<FieldSpec> fields, Integer perfPages, Integer drainIntervalMs,
                              List<MetricSpec> counters, List<MetricSpec> histograms) {
    public static final int DEFAULT_PERF_PAGES = 64;
    public static final int DEFAULT_DRAIN_INTERVAL_MS = 10;

    public EventStreamSpec {
        fields = fields == null ? List.of() : List.copyOf(fields);
        counters = counters == null ? List.of() : List.copyOf(counters);
        histograms = histograms == null ? List.of() : List.copyOf(histograms);
    }

    public int pages() {
        return perfPages == null ? DEFAULT_PERF_PAGES : perfPages;
    }

    public int intervalMs() {
        return drainIntervalMs == null ? DEFAULT_DRAIN_INTERVAL_MS : drainIntervalMs;
    }
}
