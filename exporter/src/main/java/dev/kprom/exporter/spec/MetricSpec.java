package dev.kprom.exporter.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A counter, gauge or histogram read from a BPF map at every scrape. The metric, its YAML name and the map
 * share one name unless {@code map} says otherwise (several metrics from one map's struct values):
 * {@code name: execve_total} reads map {@code execve_total} and serves {@code kprom_execve_total}.
 * Histograms add {@code buckets}; the last label is then the bucket index and is not exported.
 * {@code per_cpu}: {@code sum} (default) adds up per-CPU values, {@code split} adds a {@code cpu} label.
 * {@code max_series} bounds the series kept per scrape; the rest are dropped and counted. A map histogram's
 * {@code sum} says where its program keeps the sum of what it observed ({@link SumSpec}).
 */
public record MetricSpec(
        String name,
        String help,
        String map,
        List<LabelSpec> labels,
        ValueSpec value,
        String perCpu,
        Integer maxSeries,
        BucketSpec buckets,
        SumSpec sum) {
    public static final int DEFAULT_MAX_SERIES = 10_000;

    public MetricSpec {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** Decoders of Kubernetes metadata: a label with one of them exists only where kprom watches pods. */
    public static final Set<String> KUBERNETES_DECODERS = Set.of(
            "kube_namespace",
            "kube_pod_name",
            "kube_container_name",
            "kube_workload",
            "kube_workload_kind",
            "kube_pod_label");

    /** This metric without its Kubernetes metadata labels: what it is where kprom watches no pods. */
    public MetricSpec withoutKubernetesLabels() {
        List<LabelSpec> kept = labels.stream()
                .filter(l -> l.decoders().stream().noneMatch(d -> KUBERNETES_DECODERS.contains(d.name())))
                .toList();
        return kept.size() == labels.size()
                ? this
                : new MetricSpec(name, help, map, kept, value, perCpu, maxSeries, buckets, sum);
    }

    public MetricSpec(String name, String help, List<LabelSpec> labels) {
        this(name, help, null, labels, null, null, null, null, null);
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

    /** A map metric of {@code kind} at {@code at}; {@code names} are the probe set's metric names so far. */
    void check(MetricKind kind, String at, Set<String> names, DecoderCatalog catalog, ProblemSink problems) {
        checkCommon(kind, at, names, problems);
        if (map != null && !SpecNames.NAME.matcher(map).matches()) {
            problems.add(at + ".map", "must be a map name, " + SpecNames.NAME + " (got \"" + map + "\")");
        }
        if (perCpu != null && !perCpu.equals("sum") && !perCpu.equals("split")) {
            problems.add(at + ".per_cpu", "must be sum or split (got \"" + perCpu + "\")");
        }
        if (value != null) value.check(at + ".value", problems);
        boolean histogram = kind == MetricKind.HISTOGRAM;
        if (histogram && value != null && value.multiplier() != null)
            problems.add(at + ".value.multiplier", "a histogram's values take its buckets' multiplier");
        if (sum != null) {
            if (histogram) sum.check(at + ".sum", buckets, problems);
            else problems.add(at + ".sum", "only histograms have a sum");
        }
        if (histogram && labels.isEmpty())
            problems.add(at + ".labels", "a histogram needs at least its bucket label, last");
        Set<String> labelNames = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            LabelSpec.Role role = histogram && i == labels.size() - 1 ? LabelSpec.Role.BUCKET : LabelSpec.Role.MAP_KEY;
            checkLabel(i, at, role, labelNames, catalog, problems);
        }
    }

    /** A metric computed from an event stream's records: no map, no per-CPU values; labels and value name fields. */
    void checkForEvents(MetricKind kind, String at, Set<String> names, DecoderCatalog catalog, ProblemSink problems) {
        checkCommon(kind, at, names, problems);
        if (map != null) problems.add(at + ".map", "event metrics read their stream's records, not a map");
        if (perCpu != null) problems.add(at + ".per_cpu", "event metrics have no per-CPU values");
        if (value != null) value.checkForEvents(at + ".value", problems);
        if (sum != null)
            problems.add(at + ".sum", "an event histogram sums the field it observes: no sum to configure");
        Set<String> labelNames = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) checkLabel(i, at, LabelSpec.Role.EVENT, labelNames, catalog, problems);
    }

    private void checkCommon(MetricKind kind, String at, Set<String> names, ProblemSink problems) {
        if (SpecNames.check(name, at + ".name", "metric", names, problems)) {
            boolean total = name.endsWith("_total");
            if (kind == MetricKind.COUNTER && !total) {
                problems.add(at + ".name", "a counter's name must end in _total (got \"" + name + "\")");
            } else if (kind != MetricKind.COUNTER && total) {
                problems.add(at + ".name", "only counters end in _total (got \"" + name + "\")");
            } else if (kind == MetricKind.HISTOGRAM && name.matches(".*_(bucket|count|sum)")) {
                problems.add(
                        at + ".name",
                        "a histogram's name must not end in _bucket, _count or _sum (got \"" + name + "\")");
            }
        }
        if (help == null || help.isBlank()) problems.add(at + ".help", "is required");
        if (maxSeries != null && maxSeries <= 0)
            problems.add(at + ".max_series", "must be > 0 (got " + maxSeries + ")");
        if (kind == MetricKind.HISTOGRAM) BucketSpec.check(buckets, at + ".buckets", problems);
        else if (buckets != null) problems.add(at + ".buckets", "only histograms have buckets");
    }

    private void checkLabel(
            int i,
            String at,
            LabelSpec.Role role,
            Set<String> labelNames,
            DecoderCatalog catalog,
            ProblemSink problems) {
        String lat = at + ".labels[" + i + "]";
        LabelSpec l = labels.get(i);
        if (l == null) problems.add(lat, "is empty");
        else l.check(lat, role, labelNames, catalog, problems);
    }
}
