package dev.kprom.exporter.spec;

import java.util.List;

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
}
