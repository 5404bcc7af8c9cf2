package dev.kprom.exporter.exposition;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The series one collector has seen, each by a small int id, one per distinct set of label values. A
 * {@link SeriesTable.Builder} marks in it which series the read in progress has counted, and in which row.
 * Owned by one collector and used by one read at a time.
 */
public final class SeriesIndex {
    private final String sample;
    private final List<String> labelNames;
    private final int capacity;
    private final Map<List<String>, Integer> ids = new HashMap<>();
    private Series[] series = new Series[64];
    /** Per id: (read << 32) | row, for the read that last counted the series. */
    private long[] marks = new long[64];

    private int reads;

    /**
     * {@code labelNames} sorted, as the formats write them; every series gives its values in this order. Holds
     * at most {@code capacity} series. {@code sample}: the name of a counter's or gauge's samples, for lines
     * rendered ahead (see {@link Series}); null for histograms.
     */
    public SeriesIndex(String sample, List<String> labelNames, int capacity) {
        this.sample = sample;
        this.labelNames = List.copyOf(labelNames);
        this.capacity = capacity;
    }

    public List<String> labelNames() {
        return labelNames;
    }

    /** The sample name its series' lines start with; null if they were not rendered ahead. */
    public String sample() {
        return sample;
    }

    /** The id of the series with these label values, made if new; -1 if new and the index is full. */
    public int id(List<String> labelValues) {
        Integer id = ids.get(labelValues);
        if (id != null) return id;
        if (full()) return -1;
        int next = ids.size();
        if (next == series.length) {
            series = Arrays.copyOf(series, next * 2);
            marks = Arrays.copyOf(marks, next * 2);
        }
        series[next] = new Series(sample, labelNames, labelValues);
        ids.put(series[next].labelValues(), next);
        return next;
    }

    public boolean full() {
        return ids.size() >= capacity;
    }

    /** A number for a new read, never 0 ("not counted yet"), as an unsigned 32-bit value. */
    long nextRead() {
        if (++reads == 0) reads++;
        return reads & 0xffffffffL;
    }

    Series series(int id) {
        return series[id];
    }

    long mark(int id) {
        return marks[id];
    }

    void mark(int id, long mark) {
        marks[id] = mark;
    }
}
