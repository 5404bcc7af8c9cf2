package dev.kprom.exporter.events;

import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.decode.LabelDecoder;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.spec.DecoderSpec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The records of one event map turned into metrics, as they arrive: each record is cut into the fields its layout
 * names, and every counter and histogram of the stream adds it to its {@link EventAggregate}. Records too short
 * for the layout are counted as decode errors. Listeners (live traces) see every record too. Built by
 * {@link EventStreamBinder}.
 */
public final class EventStream implements RecordHandler {
    private final String map;
    private final List<Field> fields;
    private final Map<String, List<DecoderSpec>> fieldDecoders;
    private final List<EventAggregate> aggregates;
    private final List<MapMetricCollector> collectors;
    private final int minLength;
    private final LongAdder decodeErrors = new LongAdder();
    private final List<RecordHandler> listeners = new CopyOnWriteArrayList<>();

    EventStream(
            String map,
            List<Field> fields,
            Map<String, List<DecoderSpec>> fieldDecoders,
            List<EventAggregate> aggregates,
            List<MapMetricCollector> collectors) {
        this.map = map;
        this.fields = List.copyOf(fields);
        this.fieldDecoders = fieldDecoders;
        this.aggregates = List.copyOf(aggregates);
        this.collectors = List.copyOf(collectors);
        int min = 0;
        for (EventAggregate a : aggregates) min = Math.max(min, a.minLength());
        this.minLength = min;
    }

    @Override
    public void record(int ring, ByteBuffer buf, int offset, int length) {
        if (length < minLength) {
            decodeErrors.increment();
        } else {
            for (EventAggregate a : aggregates) a.add(ring, buf, offset);
        }
        for (RecordHandler l : listeners) l.record(ring, buf, offset, length);
    }

    @Override
    public void draining(int ring) {
        for (EventAggregate a : aggregates) a.draining(ring);
    }

    /** The map the records come from. */
    public String map() {
        return map;
    }

    /** The record layout: every field, named, with its offset and size. */
    public List<Field> fields() {
        return fields;
    }

    /** Decoders configured for a field (empty: none). */
    public List<DecoderSpec> decoders(String field) {
        return fieldDecoders.getOrDefault(field, List.of());
    }

    public List<MapMetricCollector> collectors() {
        return collectors;
    }

    /** Records shorter than the layout needs, left out of every metric. */
    public long decodeErrors() {
        return decodeErrors.sum();
    }

    /** Sees every record after the metrics do, on the drain threads, until removed; must be quick and never throw. */
    public void addListener(RecordHandler listener) {
        listeners.add(listener);
    }

    public void removeListener(RecordHandler listener) {
        listeners.remove(listener);
    }

    /** Decodes a field for display: with its decoders, or as an unsigned number (an integer field), else as hex. */
    public LabelDecoder displayDecoder(Field field) {
        List<DecoderSpec> ds = decoders(field.name());
        if (ds.isEmpty()) ds = List.of(new DecoderSpec(field.isInteger() ? "uint" : "hex"));
        return new LabelDecoder(ds, 10_000);
    }
}
