package dev.kprom.exporter.exposition;

import dev.kprom.exporter.spec.MetricKind;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One metric family as read at one scrape: its series and, per series, one value (counter, gauge) or one count
 * per histogram bucket (not cumulative; the last bucket is +Inf) followed by the histogram's sum (when it has one,
 * else 0 and not exported). Immutable once built. {@link TextExposition}
 * writes it as text; {@link #snapshot()} makes the client_java snapshot for every other format. Its arrays may be
 * longer than its size.
 */
public final class SeriesTable {
    private final MetricKind kind;
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final String sample;
    private final double[] upperBounds;
    private final boolean sums;
    private final Series[] series;
    private final int size;
    private final double[] values;

    private SeriesTable(
            MetricKind kind,
            String name,
            String help,
            SeriesIndex index,
            double[] upperBounds,
            boolean sums,
            Series[] series,
            int size,
            double[] values) {
        this.kind = kind;
        this.name = name;
        this.help = help;
        this.labelNames = index.labelNames();
        this.sample = index.sample();
        this.upperBounds = upperBounds;
        this.sums = sums;
        this.series = series;
        this.size = size;
        this.values = values;
    }

    public MetricKind kind() {
        return kind;
    }

    /** The name client_java uses: a counter's without {@code _total}. */
    public String name() {
        return name;
    }

    public String help() {
        return help;
    }

    public int size() {
        return size;
    }

    Series series(int row) {
        return series[row];
    }

    /** The sample name the series' pre-rendered lines start with, or null. */
    String sample() {
        return sample;
    }

    /** Values per series: 1, or a histogram's bucket count and its sum. */
    int slots() {
        return slotsFor(upperBounds);
    }

    private static int slotsFor(double[] upperBounds) {
        return upperBounds == null ? 1 : upperBounds.length + 1;
    }

    /** Whether this histogram has a sum ({@link #sum}). */
    boolean hasSum() {
        return sums;
    }

    /** A histogram series' sum of observed values (0 when it has none). */
    double sum(int row) {
        return values[row * slots() + upperBounds.length];
    }

    double value(int row, int slot) {
        return values[row * slots() + slot];
    }

    /** A histogram's bucket bounds, ending with +Inf; null for counters and gauges. */
    double[] upperBounds() {
        return upperBounds;
    }

    /** The same family as a client_java snapshot. */
    public MetricSnapshot snapshot() {
        MetricMetadata meta = new MetricMetadata(name, help);
        switch (kind) {
            case COUNTER -> {
                List<CounterDataPointSnapshot> points = new ArrayList<>(size);
                for (int i = 0; i < size; i++)
                    points.add(new CounterDataPointSnapshot(value(i, 0), labels(i), null, 0L));
                return new CounterSnapshot(meta, points);
            }
            case GAUGE -> {
                List<GaugeDataPointSnapshot> points = new ArrayList<>(size);
                for (int i = 0; i < size; i++) points.add(new GaugeDataPointSnapshot(value(i, 0), labels(i), null));
                return new GaugeSnapshot(meta, points);
            }
            default -> {
                List<HistogramDataPointSnapshot> points = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    long[] counts = new long[upperBounds.length];
                    for (int b = 0; b < counts.length; b++) counts[b] = (long) value(i, b);
                    points.add(new HistogramDataPointSnapshot(
                            ClassicHistogramBuckets.of(upperBounds, counts),
                            sums ? sum(i) : Double.NaN,
                            labels(i),
                            Exemplars.EMPTY,
                            0L));
                }
                return new HistogramSnapshot(meta, points);
            }
        }
    }

    private Labels labels(int row) {
        return Labels.of(labelNames, series[row].labelValues());
    }

    /**
     * Collects one read: series in the order first counted, values summed per series and slot, at most
     * {@code limit} series. One builder at a time per {@link SeriesIndex}: it marks the series it counts there.
     */
    public static final class Builder {
        private final double[] upperBounds;
        private final boolean sums;
        private final int slots;
        private final int limit;
        private final SeriesIndex index;
        private final long read;
        private Series[] series;
        private double[] values;
        private int count;

        /**
         * {@code upperBounds}: a histogram's bucket bounds, null for counters and gauges. {@code expected}: how many
         * series to make room for (the last read's count, say). A histogram without a sum.
         */
        public Builder(double[] upperBounds, int limit, SeriesIndex index, int expected) {
            this(upperBounds, false, limit, index, expected);
        }

        /** As above; {@code sums}: the histogram has a sum, added at {@link #sumSlot()}. */
        public Builder(double[] upperBounds, boolean sums, int limit, SeriesIndex index, int expected) {
            this.upperBounds = upperBounds;
            this.sums = sums;
            this.slots = slotsFor(upperBounds);
            this.limit = limit;
            this.index = index;
            this.series = new Series[Math.max(expected, 16)];
            this.values = new double[series.length * slots];
            this.read = index.nextRead();
        }

        /** The row of series {@code id} in this read, added if new; -1 when the series limit is reached. */
        public int row(int id) {
            long mark = index.mark(id);
            if (mark >>> 32 == read) return (int) mark;
            if (count >= limit) return -1;
            if (count == series.length) {
                series = Arrays.copyOf(series, count * 2);
                values = Arrays.copyOf(values, count * 2 * slots);
            }
            series[count] = index.series(id);
            index.mark(id, read << 32 | count);
            return count++;
        }

        public void add(int row, int slot, double value) {
            values[row * slots + slot] += value;
        }

        /** The slot a histogram's sum is added at: just past its buckets. */
        public int sumSlot() {
            return slots - 1;
        }

        public SeriesTable build(MetricKind kind, String name, String help) {
            SeriesTable table = new SeriesTable(kind, name, help, index, upperBounds, sums, series, count, values);
            series = null; // the table owns them now
            values = null;
            return table;
        }
    }
}
