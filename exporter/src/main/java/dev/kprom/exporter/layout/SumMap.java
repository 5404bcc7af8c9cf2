package dev.kprom.exporter.layout;

import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import java.util.List;

/**
 * A histogram's sums kept in a map of their own ({@code sum: {map: ...}}): its key's {@code labels}, the histogram's
 * labels without the bucket, where they sit in this map's key; {@code value} the integer sum of that series.
 */
public record SumMap(MapSource source, List<Field> labels, Field value) {
    public SumMap {
        labels = List.copyOf(labels);
    }
}
