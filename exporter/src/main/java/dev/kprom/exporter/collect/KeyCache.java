package dev.kprom.exporter.collect;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Map keys already decoded, by their raw bytes: what each key became, as a {@code long} its owner defines, so that
 * a scrape decodes only keys it has not seen before. Holds identities, never values. A 100k-key map is read at
 * every scrape, so lookups avoid cache misses: a map that did not change is walked in the same order as last
 * time, so each key is first compared with the key at the same position of the previous read (both kept in
 * arrays read in order); only a key that moved goes to the flat open-addressing table (key words and payload
 * side by side). Bounded: once full it caches nothing more, and its owner replaces it before the next read, so
 * keys that come and go (pids, say) cannot grow it.
 */
final class KeyCache {
    /** {@link #find} found nothing. Payloads are never negative. */
    static final long MISSING = -1;

    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    private final int keySize;
    private final int words;
    /** Longs per slot: the key's words, then payload + 1 (0: the slot is free). */
    private final int stride;

    private final int bound;
    private final long[] scratch;
    private long scratchHash;
    private long[] table;
    private int shift;
    private int size;
    /** The previous read's keys and payloads in the order read, {@code stride} longs each; and this read's. */
    private long[] previous = new long[0];

    private int previousLength;
    private long[] current = new long[0];
    private int position;

    KeyCache(int keySize, int bound) {
        this.keySize = keySize;
        this.words = (keySize + 7) / 8;
        this.stride = words + 1;
        this.bound = bound;
        this.scratch = new long[words];
        this.shift = 64 - 10;
        this.table = new long[(1 << 10) * stride];
    }

    /** Called before each read: what the last read saw becomes the order to expect. */
    void startRead() {
        long[] t = previous;
        previous = current;
        current = t;
        previousLength = Math.min(position, bound);
        position = 0;
    }

    /** Full: new keys are no longer cached. */
    boolean full() {
        return size >= bound;
    }

    int size() {
        return size;
    }

    /** The payload for the key at {@code offset}, or {@link #MISSING}; remembers the key for a following {@link #put}. */
    long find(ByteBuffer keys, int offset) {
        long h = 0;
        int end = offset + keySize;
        for (int w = 0; w < words; w++) {
            int at = offset + 8 * w;
            long v;
            if (at + 8 <= end) {
                v = keys.getLong(at);
            } else {
                v = 0;
                for (int i = at; i < end; i++) v |= (keys.get(i) & 0xffL) << (8 * (i - at));
            }
            scratch[w] = v;
            h = (h ^ v) * MULTIPLIER;
        }
        scratchHash = h;
        int at = position++;
        if (at < previousLength) {
            int base = at * stride;
            long stored = previous[base + words];
            if (stored != 0 && matches(previous, base)) return record(at, stored);
        }
        long[] t = table;
        int mask = (t.length / stride) - 1;
        for (int slot = (int) (h >>> shift); ; slot = (slot + 1) & mask) {
            int base = slot * stride;
            long payload = t[base + words];
            if (payload == 0) return MISSING;
            if (matches(t, base)) return record(at, payload);
        }
    }

    private boolean matches(long[] t, int base) {
        for (int w = 0; w < words; w++) if (t[base + w] != scratch[w]) return false;
        return true;
    }

    /** Caches {@code payload} (not negative) for the key last passed to {@link #find}, unless full; returns it. */
    long put(long payload) {
        if (payload < 0) throw new IllegalArgumentException("negative payload " + payload);
        if (size >= bound) return payload;
        if (2 * (size + 1) > table.length / stride) grow();
        insert(table, scratch, 0, scratchHash, payload + 1);
        size++;
        record(position - 1, payload + 1);
        return payload;
    }

    /** Notes the key at {@code at} of this read and its stored payload; returns the payload. */
    private long record(int at, long stored) {
        if (at < bound) {
            int base = at * stride;
            if (base + stride > current.length)
                current = Arrays.copyOf(current, Math.max(base + stride, current.length * 2));
            System.arraycopy(scratch, 0, current, base, words);
            current[base + words] = stored;
        }
        return stored - 1;
    }

    private void insert(long[] t, long[] key, int keyBase, long hash, long stored) {
        int mask = (t.length / stride) - 1;
        int slot = (int) (hash >>> shift);
        while (t[slot * stride + words] != 0) slot = (slot + 1) & mask;
        System.arraycopy(key, keyBase, t, slot * stride, words);
        t[slot * stride + words] = stored;
    }

    private void grow() {
        long[] old = table;
        table = new long[(old.length / stride) * 2 * stride];
        shift--;
        for (int base = 0; base < old.length; base += stride) {
            long stored = old[base + words];
            if (stored == 0) continue;
            long h = 0;
            for (int w = 0; w < words; w++) h = (h ^ old[base + w]) * MULTIPLIER;
            insert(table, old, base, h, stored);
        }
    }
}
