package dev.kprom.exporter.events;

import dev.kprom.exporter.source.EntryVisitor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hash table from fixed-size byte keys to u64 sums, written by one drain thread and copied out by scrapes:
 * the user-space twin of a BPF hash map. The tables of one metric (one per ring) share one bound: together they
 * never hold more than {@code limit} keys (a key seen on two CPUs counts twice); adds for new keys past that are
 * refused and counted. Each key remembers the epoch (a coarse time the caller keeps) of its last add, so that keys
 * idle since some epoch can be dropped ({@link #expire}). Not thread-safe: {@link EventAggregate} locks around
 * each table.
 */
final class EventTable {
    private final int keySize;
    private final int limit;
    private final AtomicInteger shared;
    private byte[] keys;
    private long[] values;
    private int[] touched; // the epoch of each key's last add
    private int[] hashes; // 0: empty slot; else the key's hash with the low bit set
    private int size;
    private long refused;

    /** {@code shared}: the keys held by every table of the metric, this one's included. */
    EventTable(int keySize, int limit, AtomicInteger shared) {
        this.keySize = keySize;
        this.limit = limit;
        this.shared = shared;
        allocate(16);
    }

    private void allocate(int capacity) {
        keys = new byte[capacity * keySize];
        values = new long[capacity];
        touched = new int[capacity];
        hashes = new int[capacity];
    }

    /**
     * Adds {@code value} to the sum of {@code key} (its first keySize bytes) in {@code epoch}; false if the key is
     * new and the table full.
     */
    boolean add(byte[] key, long value, int epoch) {
        int h = hash(key);
        int mask = hashes.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int slot = hashes[i];
            if (slot == 0) {
                if (shared.incrementAndGet() > limit) {
                    shared.decrementAndGet();
                    refused++;
                    return false;
                }
                hashes[i] = h;
                System.arraycopy(key, 0, keys, i * keySize, keySize);
                values[i] = value;
                touched[i] = epoch;
                if (++size * 2 > hashes.length) grow();
                return true;
            }
            if (slot == h && Arrays.equals(keys, i * keySize, i * keySize + keySize, key, 0, keySize)) {
                values[i] += value;
                touched[i] = epoch;
                return true;
            }
        }
    }

    private int hash(byte[] key) {
        int h = 1;
        for (int i = 0; i < keySize; i++) h = 31 * h + key[i];
        h ^= h >>> 16;
        return h | 1;
    }

    private void grow() {
        rehash(hashes.length * 2, touched, Integer.MIN_VALUE);
    }

    /**
     * Drops the series last added to before {@code oldestKept}. A series is the first
     * {@code seriesBytes} of a key: a histogram's keys end in a bucket index, and its buckets go together, when the
     * latest of them is too old (one bucket dropped alone would make the series' cumulative counts go down).
     */
    void expire(int oldestKept, int seriesBytes) {
        int[] latest = touched;
        if (seriesBytes < keySize) {
            Map<ByteBuffer, Integer> bySeries = new HashMap<>();
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] != 0) bySeries.merge(series(i, seriesBytes), touched[i], Math::max);
            }
            latest = new int[hashes.length];
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] != 0) latest[i] = bySeries.get(series(i, seriesBytes));
            }
        }
        boolean any = false;
        for (int i = 0; i < hashes.length && !any; i++) any = hashes[i] != 0 && latest[i] < oldestKept;
        if (!any) return;
        int before = size;
        rehash(hashes.length, latest, oldestKept);
        shared.addAndGet(size - before);
    }

    private ByteBuffer series(int slot, int seriesBytes) {
        return ByteBuffer.wrap(keys, slot * keySize, seriesBytes).slice();
    }

    /** Moves the keys whose {@code latest} epoch is {@code oldestKept} or later to fresh arrays of {@code capacity}. */
    private void rehash(int capacity, int[] latest, int oldestKept) {
        byte[] oldKeys = keys;
        long[] oldValues = values;
        int[] oldTouched = touched;
        int[] oldHashes = hashes;
        allocate(capacity);
        size = 0;
        int mask = hashes.length - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            if (oldHashes[j] == 0 || latest[j] < oldestKept) continue; // epochs count up from 0
            int i = oldHashes[j] & mask;
            while (hashes[i] != 0) i = (i + 1) & mask;
            hashes[i] = oldHashes[j];
            System.arraycopy(oldKeys, j * keySize, keys, i * keySize, keySize);
            values[i] = oldValues[j];
            touched[i] = oldTouched[j];
            size++;
        }
    }

    int size() {
        return size;
    }

    /** New keys refused because the table was full, since it was made. */
    long refused() {
        return refused;
    }

    /** The entries, copied so that they can be visited while this table keeps changing. */
    Snapshot snapshot() {
        ByteBuffer k = ByteBuffer.allocate(size * keySize).order(ByteOrder.nativeOrder());
        ByteBuffer v = ByteBuffer.allocate(size * 8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hashes.length; i++) {
            if (hashes[i] == 0) continue;
            k.put(keys, i * keySize, keySize);
            v.putLong(values[i]);
        }
        return new Snapshot(k, v, size, keySize);
    }

    record Snapshot(ByteBuffer keys, ByteBuffer values, int size, int keySize) {
        long forEach(EntryVisitor visitor) {
            for (int i = 0; i < size; i++) visitor.visit(keys, i * keySize, values, i * 8);
            return size;
        }
    }
}
