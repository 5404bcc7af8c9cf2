package dev.kprom.exporter.decode;

import java.util.Arrays;

/**
 * Raw label bytes as a hash key. {@code ByteBuffer.hashCode} and {@code Arrays.hashCode} are base-31 polynomials
 * that collide massively on integer keys (100k consecutive u64s fall into a few thousand buckets); this mixes
 * every byte with FNV-1a and a final avalanche.
 */
final class RawKey {
    private final byte[] bytes;
    private final int hash;

    RawKey(byte[] bytes) {
        this.bytes = bytes;
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        this.hash = (int) h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
