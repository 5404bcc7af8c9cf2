package dev.kprom.exporter.collect;

import dev.kprom.exporter.MetricNames;
import dev.kprom.exporter.decode.KeyContext;
import dev.kprom.exporter.decode.LabelDecoder;
import dev.kprom.exporter.exposition.SeriesIndex;
import dev.kprom.exporter.exposition.SeriesTable;
import dev.kprom.exporter.exposition.TableCollector;
import dev.kprom.exporter.layout.MetricLayout;
import dev.kprom.exporter.layout.SumMap;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.BucketSpec;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricKind;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.exporter.status.MapStatus;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A counter, gauge or histogram read from a map at every scrape. Each key is cut into labels and decoded;
 * values are summed over CPUs (or split by a {@code cpu} label) and over keys that decode to the same labels;
 * series past {@code max_series} are dropped and reported. For {@code execve_total} it produces:
 * <pre>
 * # HELP kprom_execve_total execve() calls, by user id and the calling process's command name.
 * # TYPE kprom_execve_total counter
 * kprom_execve_total{comm="bash",uid="0"} 42.0
 * </pre>
 * A histogram's last key field is the bucket index; counts per index become cumulative {@code le} buckets, and its
 * sum (from the bucket slot or the value field its layout names, times the buckets' multiplier) becomes {@code _sum}.
 * What each raw key decoded to is remembered (see {@link KeyCache}); every value is read afresh.
 */
public final class MapMetricCollector implements TableCollector {
    /** What each raw key became: {@code slot << 32 | ref}, ref a series id, an index into {@link #splitIds}, or: */
    private static final int FILTERED = -1;

    private static final int UNDECODABLE = -2;
    /** The key's labels are new and the series index is full: dropped, not cached. */
    private static final int OVER = -3;

    private final MetricKind kind;
    private final MetricSpec spec;
    private final MapSource source;
    private final CollectObserver observer;
    private volatile MapStatus status;
    private final SingleFlight<SeriesTable> flight = new SingleFlight<>();
    private final Field[] fields;
    private final LabelDecoder[] decoders;
    /** Where each of the series' sorted label names (cpu included when split) comes from. */
    private final int[] sortOrder;

    private final Field bucket;
    private final Field value;
    private final double[] upperBounds;
    private final int firstBucket;
    private final Long sumBucket;
    private final Field sumField;
    private final SumMap sumMap;
    /** Where each of the sum map's labels sits in its key. */
    private final Field[] sumFields;

    private final boolean hasSum;
    private final double multiplier;
    private KeyCache keys;
    /** What each raw key of the sum map became: a series id, or FILTERED, UNDECODABLE. */
    private KeyCache sumKeys;

    private SeriesIndex series;
    /** With a cpu label: each key's series ids, by CPU. */
    private final List<int[]> splitIds = new ArrayList<>();
    /** The decoders' generation the cached keys were decoded under. */
    private long decodedGeneration;
    /** Series in the last read: room made for as many in the next. */
    private int lastSize;

    public MapMetricCollector(
            MetricKind kind, MetricSpec spec, MetricLayout layout, MapSource source, CollectObserver observer) {
        this.kind = kind;
        this.spec = spec;
        this.source = source;
        this.observer = observer;
        this.status = new MapStatus(prometheusNameOf(kind, spec), source.name(), null, 0, null);
        List<LabelSpec> labels = spec.labels().subList(0, layout.labels().size());
        List<String> names =
                new ArrayList<>(labels.stream().map(LabelSpec::name).toList());
        if (spec.splitCpus() && source.cpus() > 1) names.add("cpu");
        sortOrder = IntStream.range(0, names.size())
                .boxed()
                .sorted(Comparator.comparing(names::get))
                .mapToInt(Integer::intValue)
                .toArray();
        List<String> sortedNames = Arrays.stream(sortOrder).mapToObj(names::get).toList();
        fields = layout.labels().toArray(Field[]::new);
        decoders = labels.stream()
                .map(l -> new LabelDecoder(l.decoders(), spec.seriesLimit()))
                .toArray(LabelDecoder[]::new);
        bucket = layout.bucket();
        value = layout.value();
        sumBucket = layout.sumBucket();
        sumField = layout.sumField();
        sumMap = layout.sumMap();
        sumFields = sumMap == null ? null : sumMap.labels().toArray(Field[]::new);
        hasSum = layout.hasSum();
        BucketSpec b = spec.buckets();
        if (kind == MetricKind.HISTOGRAM) {
            firstBucket = b.first();
            multiplier = b.multiplier() == null ? 1 : b.multiplier();
            upperBounds = new double[b.last() - b.first() + 2];
            for (int i = 0; i < upperBounds.length - 1; i++) upperBounds[i] = b.upperBound(firstBucket + i);
            upperBounds[upperBounds.length - 1] = Double.POSITIVE_INFINITY;
        } else {
            firstBucket = 0;
            multiplier = spec.value() == null ? 1 : spec.value().multiplierOrOne(); // a counter's or gauge's
            upperBounds = null;
        }
        keys = new KeyCache(source.keySize(), keyCacheBound());
        sumKeys = sumMap == null ? null : new KeyCache(sumMap.source().keySize(), keyCacheBound());
        series = newSeriesIndex(sortedNames);
    }

    private SeriesIndex newSeriesIndex(List<String> labelNames) {
        String sample =
                switch (kind) {
                    case COUNTER -> prometheusName() + "_total";
                    case GAUGE -> prometheusName();
                    case HISTOGRAM -> null;
                };
        return new SeriesIndex(
                sample, labelNames, keyCacheBound() * (spec.splitCpus() ? Math.max(source.cpus(), 1) : 1));
    }

    /** Keys worth remembering: twice what the series limit lets through, a key per bucket for histograms. */
    private int keyCacheBound() {
        long perSeries = upperBounds == null ? 1 : upperBounds.length;
        return (int) Math.min(2L * Math.max(spec.seriesLimit(), 1024) * perSeries, LabelDecoder.MAX_CACHE_ENTRIES);
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

    /** {@link #table()} as a client_java snapshot, for the formats kprom does not write itself. */
    @Override
    public MetricSnapshots collect() {
        SeriesTable table = table();
        return table == null ? MetricSnapshots.of() : MetricSnapshots.of(table.snapshot());
    }

    /**
     * This scrape's series. The map is read once for all concurrent scrapes, each waiting no longer than its own
     * deadline: past it, null (the metric is left out of that scrape and the timeout reported). A failed read
     * gives no series (the failure is reported).
     */
    @Override
    public SeriesTable table() {
        SeriesTable result = flight.get(this::read, ScrapeDeadline.remainingNanos());
        if (result == null) observer.timedOut(prometheusName());
        return result;
    }

    /** Runs alone (see {@link SingleFlight}): the key cache and the series' row marks are this read's. */
    private SeriesTable read() {
        long generation = 0;
        for (LabelDecoder d : decoders) generation += d.generation();
        boolean redecode = generation != decodedGeneration; // what a decoder answers changed (the pod cache)
        decodedGeneration = generation;
        if (keys.full() || series.full() || redecode || (sumKeys != null && sumKeys.full())) { // start over
            keys = new KeyCache(source.keySize(), keyCacheBound());
            if (sumMap != null) sumKeys = new KeyCache(sumMap.source().keySize(), keyCacheBound());
            series = newSeriesIndex(series.labelNames());
            splitIds.clear();
        }
        keys.startRead();
        if (sumKeys != null) sumKeys.startRead();
        int cpus = source.cpus();
        int stride = source.cpuStride();
        boolean split = spec.splitCpus() && cpus > 1;
        SeriesTable.Builder table = new SeriesTable.Builder(upperBounds, hasSum, spec.seriesLimit(), series, lastSize);
        int sumSlot = upperBounds == null ? -1 : table.sumSlot();
        long[] dropped = {0};
        long[] undecodable = {0};
        long start = System.nanoTime();
        long entries;
        try {
            entries = source.forEach((keyBytes, keyOffset, values, valueOffset) -> {
                long key = keys.find(keyBytes, keyOffset);
                if (key == KeyCache.MISSING) {
                    key = decode(keyBytes, keyOffset);
                    if ((int) key != OVER) keys.put(key);
                }
                int ref = (int) key;
                int slot = (int) (key >>> 32);
                if (ref < 0) {
                    if (ref == UNDECODABLE) undecodable[0]++;
                    if (ref == OVER) dropped[0]++;
                    return;
                }
                if (!split) {
                    int row = table.row(ref);
                    if (row < 0) {
                        dropped[0]++;
                        return;
                    }
                    double v = 0;
                    for (int c = 0; c < cpus; c++)
                        v += unsigned(
                                Field.readUnsigned(values, valueOffset + c * stride + value.offset(), value.size()));
                    table.add(row, slot, slot == sumSlot || upperBounds == null ? v * multiplier : v);
                    if (sumField != null) {
                        double sum = 0;
                        for (int c = 0; c < cpus; c++)
                            sum += unsigned(Field.readUnsigned(
                                    values, valueOffset + c * stride + sumField.offset(), sumField.size()));
                        table.add(row, sumSlot, sum * multiplier);
                    }
                    return;
                }
                int[] ids = splitIds.get(ref);
                for (int cpu = 0; cpu < ids.length; cpu++) {
                    int row = ids[cpu] < 0 ? -1 : table.row(ids[cpu]);
                    if (row < 0) {
                        dropped[0]++;
                        continue;
                    }
                    double v = unsigned(
                            Field.readUnsigned(values, valueOffset + cpu * stride + value.offset(), value.size()));
                    table.add(row, slot, slot == sumSlot || upperBounds == null ? v * multiplier : v);
                    if (sumField != null) {
                        table.add(
                                row,
                                sumSlot,
                                multiplier
                                        * unsigned(Field.readUnsigned(
                                                values,
                                                valueOffset + cpu * stride + sumField.offset(),
                                                sumField.size())));
                    }
                }
            });
            if (sumMap != null) entries += readSums(table, sumSlot, dropped, undecodable);
        } catch (RuntimeException e) {
            status =
                    new MapStatus(prometheusName(), source.name(), Instant.now().toString(), 0, e.getMessage());
            observer.readFailed(prometheusName(), e);
            return new SeriesTable.Builder(upperBounds, 0, series, 0).build(kind, prometheusName(), spec.help());
        }
        observer.read(prometheusName(), System.nanoTime() - start, entries);
        status = new MapStatus(prometheusName(), source.name(), Instant.now().toString(), entries, null);
        if (dropped[0] > 0) observer.dropped(prometheusName(), dropped[0]);
        if (undecodable[0] > 0) observer.decodeErrors(prometheusName(), undecodable[0]);
        SeriesTable result = table.build(kind, prometheusName(), spec.help());
        lastSize = result.size();
        return result;
    }

    /** Adds each entry of the sum map to its series' sum; the entries read. */
    private long readSums(SeriesTable.Builder table, int sumSlot, long[] dropped, long[] undecodable) {
        Field sum = sumMap.value();
        MapSource sums = sumMap.source();
        return sums.forEach((keyBytes, keyOffset, values, valueOffset) -> {
            long key = sumKeys.find(keyBytes, keyOffset);
            if (key == KeyCache.MISSING) {
                key = sumSeries(keyBytes, keyOffset) & 0xffffffffL;
                if ((int) key != OVER) sumKeys.put(key);
            }
            int ref = (int) key;
            if (ref < 0) {
                if (ref == UNDECODABLE) undecodable[0]++;
                if (ref == OVER) dropped[0]++;
                return;
            }
            int row = table.row(ref);
            if (row < 0) {
                dropped[0]++;
                return;
            }
            double v = 0;
            for (int c = 0; c < sums.cpus(); c++)
                v += unsigned(Field.readUnsigned(values, valueOffset + c * sums.cpuStride(), sum.size()));
            table.add(row, sumSlot, v * multiplier);
        });
    }

    /** The series a sum map key names: its id, or FILTERED, UNDECODABLE, OVER. */
    private int sumSeries(ByteBuffer keyBytes, int keyOffset) {
        try {
            String[] decoded = labels(sumFields, keyBytes, keyOffset);
            if (decoded == null) return FILTERED;
            int id = series.id(sorted(decoded));
            return id < 0 ? OVER : id;
        } catch (IllegalArgumentException e) {
            return UNDECODABLE;
        }
    }

    /**
     * The labels of the key at {@code keyOffset}, its fields {@code at}, each decoded through its chain (room left
     * for a cpu label); null when a decoder filtered the key out. Throws IllegalArgumentException for bytes a decoder
     * cannot read (a wrong-sized field, say).
     */
    private String[] labels(Field[] at, ByteBuffer keyBytes, int keyOffset) {
        byte[][] raw = new byte[at.length][];
        for (int i = 0; i < at.length; i++) {
            raw[i] = new byte[at[i].size()];
            keyBytes.get(keyOffset + at[i].offset(), raw[i]);
        }
        KeyContext context = label -> {
            for (int i = 0; i < at.length; i++) if (at[i].name().equals(label)) return raw[i];
            return null;
        };
        String[] decoded = new String[sortOrder.length];
        for (int i = 0; i < at.length; i++) {
            decoded[i] = decoders[i].decode(raw[i], context);
            if (decoded[i] == null) return null;
        }
        return decoded;
    }

    /**
     * A key not in the cache, cut into labels, each decoded through its chain; keys that decode to the same labels
     * share their series. Returns what it became, as cached: {@code slot << 32 | ref}.
     */
    private long decode(ByteBuffer keyBytes, int keyOffset) {
        String[] decoded;
        try {
            decoded = labels(fields, keyBytes, keyOffset);
        } catch (IllegalArgumentException e) {
            return UNDECODABLE & 0xffffffffL; // bytes a decoder cannot read (a wrong-sized field, say)
        }
        if (decoded == null) return FILTERED & 0xffffffffL; // a decoder filtered this key out
        long slot = 0;
        if (kind == MetricKind.HISTOGRAM) {
            long index = Field.readUnsigned(keyBytes, keyOffset + bucket.offset(), bucket.size());
            int inf = upperBounds.length - 1;
            if (sumBucket != null && index == sumBucket) slot = upperBounds.length; // the sum, past the buckets
            else if (Long.compareUnsigned(index, firstBucket) < 0) slot = 0;
            else slot = Long.compareUnsigned(index - firstBucket, inf) >= 0 ? inf : index - firstBucket;
        }
        if (!(spec.splitCpus() && source.cpus() > 1)) {
            int id = series.id(sorted(decoded));
            return slot << 32 | ((id < 0 ? OVER : id) & 0xffffffffL);
        }
        int[] ids = new int[source.cpus()];
        for (int cpu = 0; cpu < ids.length; cpu++) {
            decoded[decoded.length - 1] = Integer.toString(cpu);
            ids[cpu] = series.id(sorted(decoded));
        }
        splitIds.add(ids);
        return slot << 32 | (splitIds.size() - 1);
    }

    private List<String> sorted(String[] values) {
        String[] sorted = new String[values.length];
        for (int i = 0; i < sorted.length; i++) sorted[i] = values[sortOrder[i]];
        return List.of(sorted);
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
}
