package dev.kprom.exporter.layout;

import dev.kprom.exporter.source.Field;
import java.util.List;

/** Where a metric's labels, histogram bucket index and value sit in its map's key and value. */
public record MetricLayout(List<Field> labels, Field bucket, Field value) {
    public MetricLayout {
        labels = List.copyOf(labels);
    }
}
