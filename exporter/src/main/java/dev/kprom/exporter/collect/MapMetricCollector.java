package dev.kprom.exporter.collect;

import dev.kprom.exporter.MetricNames;
import dev.kprom.exporter.decode.KeyContext;
import dev.kprom.exporter.decode.LabelDecoder;
import dev.kprom.exporter.layout.Field;
import dev.kprom.exporter.layout.MetricLayout;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.BucketSpec;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricSpec;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import dev.kprom.exporter.status.MapStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A counter, gauge or histogram read from a map at every scrape. Each key is cut into labels and decoded;
 * values are summed over CPUs (or split by a {@code cpu} label) and over keys that decode to the same labels;
 * series past {@code max_series} are dropped and reported. For {@code execve_total} it produces:
 * <pre>
 * # HELP kprom_execve_total execve() calls, by user id and the calling process's command name.
 * # TYPE kprom_execve_total counter
 * kprom_execve_total{comm="bash",uid="0"} 42.0
 * </pre>
 * A histogram's last key field is the bucket index; counts per index become cumulative {@code le} buckets.
 */
public final class MapMetricCollector implements MultiCollector {
    private final MetricKind kind;
    private final MetricSpec spec;
    private final MapSource source;
    private final CollectObserver observer;
    private volatile MapStatus status;
    private final SingleFlight flight = new SingleFlight();
    private final String[] labelNames;
    private final Field[] fields;
    private final LabelDecoder[] decoders;
    private final Field bucket;
    private final Field value;
    private final double[] upperBounds;
    private final int firstBucket;

    public MapMetricCollector(MetricKind kind, MetricSpec spec, MetricLayout layout, MapSource source, CollectObserver observer) {
        this.kind = kind;
        this.spec = spec;
        this.source = source;
        this.observer = observer;
        this.status = new MapStatus(prometheusNameOf(kind, spec), source.name(), null, 0, null);
        List<LabelSpec> labels = spec.labels().subList(0, layout.labels().size());
        List<String> names = new ArrayList<>(labels.stream().map(LabelSpec::name).toList());
        if (spec.splitCpus() && source.cpus() > 1) names.add("cpu");
        labelNames = names.toArray(String[]::new);
        fields = layout.labels().toArray(Field[]::new);
        decoders = labels.stream().map(l -> new LabelDecoder(l.decoders(), spec.seriesLimit())).toArray(LabelDecoder[]::new);
        bucket = layout.bucket();
        value = layout.value();
        BucketSpec b = spec.buckets();
        if (kind == MetricKind.HISTOGRAM) {
            firstBucket = b.first();
            upperBounds = new double[b.last() - b.first() + 2];
            for (int i = 0; i < upperBounds.length - 1; i++) upperBounds[i] = b.upperBound(firstBucket + i);
            upperBounds[upperBounds.length - 1] = Double.POSITIVE_INFINITY;
        } else {
            firstBucket = 0;
            upperBounds = null;
        }
    }

    /** The exported name: counters without _total (the format adds it back), others as they are. */
    public String prometheusName() {
        return prometheusNameOf(kind, spec);
    }

    private static String prometheusNameOf(MetricKind kind, MetricSpec spec) {
        return kind == MetricKind.COUNTER ? MetricNames.counterBase(spec.name()) : MetricNames.exported(spec.name());
    }

    /** The last read of this metric's map, for {@code /probes}. */
    public MapStatus status() {
        return status;
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(prometheusName());
    }

    /**
     * Reads the map once for all concurrent scrapes, waiting no longer than this scrape's deadline; past it the
     * metric is left out of this scrape and the timeout reported.
     */
    @Override
    public MetricSnapshots collect() {
        MetricSnapshots result = flight.get(this::read, ScrapeDeadline.remainingNanos());
        if (result == null) {
            observer.timedOut(prometheusName());
            return MetricSnapshots.of();
        }
        return result;
    }

    private MetricSnapshots read() {
        Map<List<String>, double[]> series = new HashMap<>();
        int cpus = source.cpus();
        int stride = source.cpuStride();
        boolean split = spec.splitCpus() && cpus > 1;
        int slots = kind == MetricKind.HISTOGRAM ? upperBounds.length : 1;
        int limit = spec.seriesLimit();
        long[] dropped = {0};
        long[] undecodable = {0};
        byte[][] raw = new byte[fields.length][];
        KeyContext context = label -> {
            for (int i = 0; i < fields.length; i++) if (fields[i].name().equals(label)) return raw[i];
            return null;
        };
        long start = System.nanoTime();
        long entries;
        try {
            entries = source.forEach((keys, keyOffset, values, valueOffset) -> {
            String[] labelValues = new String[labelNames.length];
            for (int i = 0; i < fields.length; i++) {
                raw[i] = new byte[fields[i].size()];
                keys.get(keyOffset + fields[i].offset(), raw[i]);
            }
            try {
                for (int i = 0; i < fields.length; i++) {
                    labelValues[i] = decoders[i].decode(raw[i], context);
                    if (labelValues[i] == null) return; // a decoder filtered this key out
                }
            } catch (IllegalArgumentException e) {
                undecodable[0]++; // bytes a decoder cannot read (a wrong-sized field, say): leave the key out
                return;
            }
            int slot = 0;
            if (kind == MetricKind.HISTOGRAM) {
                long index = readUnsigned(keys, keyOffset + bucket.offset(), bucket.size());
                slot = index < firstBucket ? 0 : (int) Math.min(index - firstBucket, upperBounds.length - 1);
            }
            for (int cpu = 0; cpu < (split ? cpus : 1); cpu++) {
                double v = 0;
                if (split) {
                    labelValues[labelValues.length - 1] = Integer.toString(cpu);
                    v = unsigned(readUnsigned(values, valueOffset + cpu * stride + value.offset(), value.size()));
                } else {
                    for (int c = 0; c < cpus; c++) v += unsigned(readUnsigned(values, valueOffset + c * stride + value.offset(), value.size()));
                }
                List<String> key = List.of(labelValues.clone());
                double[] acc = series.get(key);
                if (acc == null) {
                    if (series.size() >= limit) {
                        dropped[0]++;
                        continue;
                    }
                    acc = new double[slots];
                    series.put(key, acc);
                }
                acc[slot] += v;
            }
            });
        } catch (RuntimeException e) {
            status = new MapStatus(prometheusName(), source.name(), Instant.now().toString(), 0, e.getMessage());
            observer.readFailed(prometheusName(), e);
            return MetricSnapshots.of();
        }
        observer.read(prometheusName(), System.nanoTime() - start, entries);
        status = new MapStatus(prometheusName(), source.name(), Instant.now().toString(), entries, null);
        if (dropped[0] > 0) observer.dropped(prometheusName(), dropped[0]);
        if (undecodable[0] > 0) observer.decodeErrors(prometheusName(), undecodable[0]);
        return MetricSnapshots.of(snapshot(series));
    }

    private MetricSnapshot snapshot(Map<List<String>, double[]> series) {
        MetricMetadata meta = new MetricMetadata(prometheusName(), spec.help());
        List<String> names = Arrays.asList(labelNames);
        switch (kind) {
            case COUNTER -> {
                List<CounterDataPointSnapshot> points = new ArrayList<>(series.size());
                series.forEach((l, v) -> points.add(new CounterDataPointSnapshot(v[0], Labels.of(names, l), null, 0L)));
                return new CounterSnapshot(meta, points);
            }
            case GAUGE -> {
                List<GaugeDataPointSnapshot> points = new ArrayList<>(series.size());
                series.forEach((l, v) -> points.add(new GaugeDataPointSnapshot(v[0], Labels.of(names, l), null)));
                return new GaugeSnapshot(meta, points);
            }
            default -> {
                List<HistogramDataPointSnapshot> points = new ArrayList<>(series.size());
                series.forEach((l, v) -> {
                    long[] counts = new long[v.length];
                    for (int i = 0; i < v.length; i++) counts[i] = (long) v[i];
                    points.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(upperBounds, counts), Double.NaN,
                            Labels.of(names, l), Exemplars.EMPTY, 0L));
                });
                return new HistogramSnapshot(meta, points);
            }
        }
    }

    private static long readUnsigned(ByteBuffer b, int offset, int size) {
        return switch (size) {
            case 1 -> b.get(offset) & 0xffL;
            case 2 -> b.getShort(offset) & 0xffffL;
            case 4 -> b.getInt(offset) & 0xffffffffL;
            default -> b.getLong(offset);
        };
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
}
