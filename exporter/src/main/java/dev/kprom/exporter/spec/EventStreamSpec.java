package dev.kprom.exporter.spec;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An event stream: records a program writes to a PERF_EVENT_ARRAY or RINGBUF {@code map}, laid out as the BTF
 * struct {@code record} or as explicit {@code fields}, and the counters and histograms kprom computes from them.
 * A counter adds 1 per record (or a numeric field, with {@code value.field}); a histogram observes a numeric
 * field into its {@code buckets}. Labels name record fields ({@code field}, default: the label's name).
 * {@code perf_pages}: data pages per CPU ring (power of 2, default 64); {@code drain_interval_ms}: the longest a
 * record waits in its ring (default 10; a ring filling fast is drained sooner); {@code series_idle_seconds}: how long
 * a series of the stream's metrics may go without a record before it is dropped (default 3600; 0: never).
 */
public record EventStreamSpec(
        String map,
        String record,
        List<FieldSpec> fields,
        Integer perfPages,
        Integer drainIntervalMs,
        Integer seriesIdleSeconds,
        List<MetricSpec> counters,
        List<MetricSpec> histograms) {
    public static final int DEFAULT_PERF_PAGES = 64;
    public static final int DEFAULT_DRAIN_INTERVAL_MS = 10;
    public static final int DEFAULT_SERIES_IDLE_SECONDS = 3600;

    public EventStreamSpec {
        fields = fields == null ? List.of() : List.copyOf(fields);
        counters = counters == null ? List.of() : List.copyOf(counters);
        histograms = histograms == null ? List.of() : List.copyOf(histograms);
    }

    /** This stream with its metrics' Kubernetes metadata labels left out ({@link MetricSpec#withoutKubernetesLabels}). */
    public EventStreamSpec withoutKubernetesLabels() {
        return new EventStreamSpec(
                map,
                record,
                fields,
                perfPages,
                drainIntervalMs,
                seriesIdleSeconds,
                counters.stream().map(MetricSpec::withoutKubernetesLabels).toList(),
                histograms.stream().map(MetricSpec::withoutKubernetesLabels).toList());
    }

    public int pages() {
        return perfPages == null ? DEFAULT_PERF_PAGES : perfPages;
    }

    public int intervalMs() {
        return drainIntervalMs == null ? DEFAULT_DRAIN_INTERVAL_MS : drainIntervalMs;
    }

    /** How long a series may go without a record before it is dropped; null: never. */
    public Duration seriesIdle() {
        int seconds = seriesIdleSeconds == null ? DEFAULT_SERIES_IDLE_SECONDS : seriesIdleSeconds;
        return seconds == 0 ? null : Duration.ofSeconds(seconds);
    }

    /** The stream at {@code at}; {@code maps} and {@code metricNames} are the probe set's event maps and metrics so far. */
    void check(String at, Set<String> maps, Set<String> metricNames, DecoderCatalog catalog, ProblemSink problems) {
        SpecNames.check(map, at + ".map", "event map", maps, problems);
        if (perfPages != null && (perfPages < 1 || perfPages > 4096 || Integer.bitCount(perfPages) != 1)) {
            problems.add(at + ".perf_pages", "must be a power of 2 from 1 to 4096 (got " + perfPages + ")");
        }
        if (drainIntervalMs != null && (drainIntervalMs < 1 || drainIntervalMs > 10_000)) {
            problems.add(at + ".drain_interval_ms", "must be 1 to 10000 (got " + drainIntervalMs + ")");
        }
        if (seriesIdleSeconds != null && (seriesIdleSeconds < 0 || seriesIdleSeconds > 30 * 86_400)) {
            problems.add(
                    at + ".series_idle_seconds",
                    "must be 0 (never) to 2592000 (30 days) (got " + seriesIdleSeconds + ")");
        }
        Set<String> fieldNames = new HashSet<>();
        for (int j = 0; j < fields.size(); j++) {
            String fat = at + ".fields[" + j + "]";
            if (fields.get(j) == null) problems.add(fat, "is empty");
            else fields.get(j).check(fat, fieldNames, catalog, problems);
        }
        if (counters.isEmpty() && histograms.isEmpty())
            problems.add(at, "an event stream needs counters or histograms");
        metrics().forEach((kind, specs) -> {
            for (int i = 0; i < specs.size(); i++) {
                String mat = at + "." + kind.yamlList() + "[" + i + "]";
                if (specs.get(i) == null) problems.add(mat, "is empty");
                else specs.get(i).checkForEvents(kind, mat, metricNames, catalog, problems);
            }
        });
    }

    /** The stream's metrics by kind, counters first. */
    public Map<MetricKind, List<MetricSpec>> metrics() {
        Map<MetricKind, List<MetricSpec>> byKind = new LinkedHashMap<>();
        byKind.put(MetricKind.COUNTER, counters);
        byKind.put(MetricKind.HISTOGRAM, histograms);
        return byKind;
    }
}
