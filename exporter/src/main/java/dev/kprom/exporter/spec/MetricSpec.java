package dev.kprom.exporter.spec;

import java.util.List;

/**
 * A counter, gauge or histogram read from a BPF map at every scrape. The metric, its YAML name and the map
 * share one name unless {@code map} says otherwise (several metrics from one map's struct values):
 * {@code name: execve_total} reads map {@code execve_total} and serves {@code kprom_execve_total}.
 * Histograms add {@code buckets}; the last label is then the bucket index and is not exported.
 * {@code per_cpu}: {@code sum} (default) adds up per-CPU values, {@code split} adds a {@code cpu} label.
 * {@code max_series} bounds the series kept per scrape; the rest are dropped and counted.
 */
public record MetricSpec(String name, String help, String map, List<LabelSpec> labels, ValueSpec value,
                         String perCpu, Integer maxSeries, BucketSpec buckets) {
    public static final int DEFAULT_MAX_SERIES = 10_000;

    public MetricSpec {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public MetricSpec(String name, String help, List<LabelSpec> labels) {
        this(name, help, null, labels, null, null, null, null);
    }

    public String mapName() {
        return map != null ? map : name;
    }

    public boolean splitCpus() {
        return "split".equals(perCpu);
    }

    public int seriesLimit() {
        return maxSeries == null ? DEFAULT_MAX_SERIES : maxSeries;
    }
}
