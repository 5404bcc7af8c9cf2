package dev.kprom.exporter.events;

import dev.kprom.exporter.layout.MetricLayout;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.BucketSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * One metric computed from event records, kept as a BPF map would keep it: key = the label fields' bytes (then,
 * for a histogram, the 8-byte bucket index of the observed field), value = a u64 sum (records, or a field's
 * values). A histogram also keeps, per series, the sum of the values it observed under bucket index
 * {@link #SUM_BUCKET}, which its layout names as the sum's slot. Each ring writes its own table, so drain threads never contend; a scrape reads it through
 * {@link MapSource} like any map, so decoding, series limits and rendering are the map collectors' own.
 *
 * <p>With an idle timeout, a series no record has added to for that long is dropped at the next scrape (and starts
 * again from zero if it comes back, which {@code rate()} reads as a reset). Time is kept in epochs of a quarter of
 * the timeout, read once per drain pass ({@link #draining}), never per record: a series goes between 1 and 1.25
 * timeouts after its last record, at a scrape.
 */
public final class EventAggregate implements MapSource {
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** A histogram's sum is kept under this bucket index (all ones: no bucket type yields it). */
    static final long SUM_BUCKET = -1L;

    private final String name;
    private final Field[] labels;
    private final Field value;
    private final BucketSpec buckets;
    private final int keySize;
    private final EventTable[] tables;
    private final byte[][] scratch;
    private final LongConsumer refusedSink;
    private long refusedReported;
    private final long epochNanos; // 0: series never expire
    private final long start = System.nanoTime();
    private final int[] epochs; // by ring: the epoch of its drain pass now, written by its thread
    private int lastExpiry = -1;

    /** Epochs a series may stay idle: with epochs of a quarter timeout, it goes when 5 epochs have begun since. */
    private static final int IDLE_EPOCHS = 4;

    /**
     * {@code labels}: record fields cut into the key; {@code value}: the field summed (counters) or observed
     * (histograms), or null to count records; {@code buckets}: null for a counter; {@code limit}: keys of all rings;
     * {@code idleTimeout}: how long a series may go without records (null: for ever); {@code rings}: ring numbers
     * run 0..rings-1; {@code refused} is told how many new keys were refused since it was last told.
     */
    public EventAggregate(
            String name,
            List<Field> labels,
            Field value,
            BucketSpec buckets,
            int limit,
            Duration idleTimeout,
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
        this.epochNanos = idleTimeout == null ? 0 : Math.max(1, idleTimeout.toNanos() / IDLE_EPOCHS);
        this.epochs = new int[rings];
    }

    private int epochAt(long nanos) {
        return epochNanos == 0 ? 0 : (int) ((nanos - start) / epochNanos);
    }

    /** A drain pass of {@code ring} begins: its records are stamped with the time now. */
    void draining(int ring) {
        if (epochNanos != 0) epochs[ring] = epochAt(System.nanoTime());
    }

    /** Where labels, bucket index and value sit in this aggregate's keys and values. */
    public MetricLayout layout() {
        List<Field> keyFields = new ArrayList<>();
        int offset = 0;
        for (Field f : labels) {
            keyFields.add(new Field(f.name(), offset, f.size()));
            offset += f.size();
        }
        return buckets == null
                ? new MetricLayout(keyFields, null, new Field("value", 0, 8))
                : new MetricLayout(
                        keyFields, new Field("bucket", offset, 8), new Field("value", 0, 8), SUM_BUCKET, null, null);
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
        EventTable table = tables[ring];
        if (buckets == null) {
            synchronized (table) {
                table.add(key, v, epochs[ring]);
            }
            return;
        }
        bucketIndex(key, k, buckets.indexOf(v));
        synchronized (table) {
            table.add(key, 1, epochs[ring]);
            bucketIndex(key, k, SUM_BUCKET);
            table.add(key, v, epochs[ring]); // the observed value's running sum, in the series' sum slot
        }
    }

    private static void bucketIndex(byte[] key, int at, long index) {
        for (int i = 0; i < 8; i++) key[at + i] = (byte) (LITTLE_ENDIAN ? index >>> (8 * i) : index >>> (56 - 8 * i));
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
        int now = epochAt(System.nanoTime());
        boolean expire;
        synchronized (this) { // once per epoch: within one, no key can become older than the bound
            expire = epochNanos != 0 && now != lastExpiry;
            lastExpiry = now;
        }
        int oldestKept = now - IDLE_EPOCHS;
        for (EventTable table : tables) {
            EventTable.Snapshot snapshot;
            synchronized (table) { // copy under the lock, decode outside it: a scrape never stalls a drain thread
                if (expire) table.expire(oldestKept, buckets != null ? keySize - 8 : keySize);
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
