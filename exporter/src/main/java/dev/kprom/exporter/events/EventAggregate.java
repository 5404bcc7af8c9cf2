package dev.kprom.exporter.events;

import dev.kprom.exporter.layout.MetricLayout;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.BucketSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * One metric computed from event records, kept as a BPF map would keep it: key = the label fields' bytes (then,
 * for a histogram, the 8-byte bucket index of the observed field), value = a u64 sum (records, or a field's
 * values). Each ring writes its own table, so drain threads never contend; a scrape reads it through
 * {@link MapSource} like any map, so decoding, series limits and rendering are the map collectors' own.
 */
public final class EventAggregate implements MapSource {
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private final String name;
    private final Field[] labels;
    private final Field value;
    private final BucketSpec buckets;
    private final int keySize;
    private final EventTable[] tables;
    private final byte[][] scratch;
    private final LongConsumer refusedSink;
    private long refusedReported;

    /**
     * {@code labels}: record fields cut into the key; {@code value}: the field summed (counters) or observed
     * (histograms), or null to count records; {@code buckets}: null for a counter; {@code limit}: keys of all rings;
     * {@code rings}: ring numbers run 0..rings-1; {@code refused} is told how many new keys were refused since it
     * was last told.
     */
    public EventAggregate(
            String name,
            List<Field> labels,
            Field value,
            BucketSpec buckets,
            int limit,
            int rings,
            LongConsumer refused) {
        this.name = name;
        this.labels = labels.toArray(Field[]::new);
        this.value = value;
        this.buckets = buckets;
        int size = 0;
        for (Field f : labels) size += f.size();
        this.keySize = size + (buckets != null ? 8 : 0);
        this.tables = new EventTable[rings];
        int stored = Math.max(1, keySize); // a metric without labels has one series, keyed by one zero byte
        this.scratch = new byte[rings][stored];
        AtomicInteger keys = new AtomicInteger(); // one bound for the metric, across its rings
        for (int i = 0; i < rings; i++) tables[i] = new EventTable(stored, limit, keys);
        this.refusedSink = refused;
    }

    /** Where labels, bucket index and value sit in this aggregate's keys and values. */
    public MetricLayout layout() {
        List<Field> keyFields = new ArrayList<>();
        int offset = 0;
        for (Field f : labels) {
            keyFields.add(new Field(f.name(), offset, f.size()));
            offset += f.size();
        }
        return new MetricLayout(
                keyFields, buckets != null ? new Field("bucket", offset, 8) : null, new Field("value", 0, 8));
    }

    /** Adds one record of at least {@link #minLength()} bytes. */
    void add(int ring, ByteBuffer buf, int offset) {
        byte[] key = scratch[ring];
        int k = 0;
        for (Field f : labels) {
            buf.get(offset + f.offset(), key, k, f.size());
            k += f.size();
        }
        long v = value == null ? 1 : value.readUnsigned(buf, offset);
        if (buckets != null) {
            long index = buckets.indexOf(v);
            for (int i = 0; i < 8; i++)
                key[k + i] = (byte) (LITTLE_ENDIAN ? index >>> (8 * i) : index >>> (56 - 8 * i));
            v = 1;
        }
        EventTable table = tables[ring];
        synchronized (table) {
            table.add(key, v);
        }
    }

    /** The bytes a record needs for every field this metric reads. */
    int minLength() {
        int end = value == null ? 0 : value.end();
        for (Field f : labels) end = Math.max(end, f.end());
        return end;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keySize() {
        return keySize;
    }

    @Override
    public int valueSize() {
        return 8;
    }

    @Override
    public int cpus() {
        return 1;
    }

    @Override
    public int cpuStride() {
        return 8;
    }

    /** Visits each ring's entries (a key seen on several rings is visited once per ring; collectors sum them). */
    @Override
    public long forEach(EntryVisitor visitor) {
        long visited = 0;
        long refused = 0;
        for (EventTable table : tables) {
            EventTable.Snapshot snapshot;
            synchronized (table) { // copy under the lock, decode outside it: a scrape never stalls a drain thread
                snapshot = table.snapshot();
                refused += table.refused();
            }
            visited += snapshot.forEach(visitor);
        }
        synchronized (this) {
            if (refused > refusedReported) refusedSink.accept(refused - refusedReported);
            refusedReported = refused;
        }
        return visited;
    }
}
