package dev.kprom.exporter.layout;

import dev.kprom.exporter.source.Field;
import java.util.List;

/**
 * Where a metric's labels, histogram bucket index and value sit in its map's key and value, and where a histogram's
 * sum is: at the bucket index {@code sumBucket} (null: not in a bucket slot), in the value field {@code sumField}
 * of every bucket's entry (null: not in a field), or in a map of its own ({@code sumMap}). With none, the histogram
 * has no sum.
 */
public record MetricLayout(
        List<Field> labels, Field bucket, Field value, Long sumBucket, Field sumField, SumMap sumMap) {
    public MetricLayout {
        labels = List.copyOf(labels);
    }

    /** A layout without a histogram sum. */
    public MetricLayout(List<Field> labels, Field bucket, Field value) {
        this(labels, bucket, value, null, null, null);
    }

    public boolean hasSum() {
        return sumBucket != null || sumField != null || sumMap != null;
    }
}
