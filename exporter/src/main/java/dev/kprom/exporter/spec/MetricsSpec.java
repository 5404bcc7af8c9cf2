package dev.kprom.exporter.spec;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The metrics a probe set exports, by type. */
public record MetricsSpec(List<MetricSpec> counters, List<MetricSpec> gauges, List<MetricSpec> histograms) {
    public MetricsSpec {
        counters = counters == null ? List.of() : List.copyOf(counters);
        gauges = gauges == null ? List.of() : List.copyOf(gauges);
        histograms = histograms == null ? List.of() : List.copyOf(histograms);
    }

    public static MetricsSpec none() {
        return new MetricsSpec(null, null, null);
    }

    /** Every metric by kind, in YAML order: counters, gauges, histograms. */
    public Map<MetricKind, List<MetricSpec>> byKind() {
        Map<MetricKind, List<MetricSpec>> byKind = new LinkedHashMap<>();
        byKind.put(MetricKind.COUNTER, counters);
        byKind.put(MetricKind.GAUGE, gauges);
        byKind.put(MetricKind.HISTOGRAM, histograms);
        return byKind;
    }

    /**
     * Checks a probe set's metrics and event streams on their own (no object needed), reporting every problem at
     * its YAML path: names, help, labels and their decoders, values, buckets, event layouts and drain settings.
     */
    public static void check(
            MetricsSpec metrics, List<EventStreamSpec> events, DecoderCatalog catalog, ProblemSink problems) {
        Set<String> names = new HashSet<>();
        metrics.byKind().forEach((kind, specs) -> {
            for (int i = 0; i < specs.size(); i++) {
                String at = "metrics." + kind.yamlList() + "[" + i + "]";
                if (specs.get(i) == null) problems.add(at, "is empty");
                else specs.get(i).check(kind, at, names, catalog, problems);
            }
        });
        Set<String> maps = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            String at = "events[" + i + "]";
            if (events.get(i) == null) problems.add(at, "is empty");
            else events.get(i).check(at, maps, names, catalog, problems);
        }
    }
}
