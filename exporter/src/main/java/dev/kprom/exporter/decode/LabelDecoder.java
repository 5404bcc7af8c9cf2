package dev.kprom.exporter.decode;

import dev.kprom.exporter.spec.DecoderSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One label's decoder chain with a bounded cache of decoded values (oldest out first), keyed by
 * the label's raw bytes and those of the labels the chain reads. A dropped series is cached as such too. The
 * bound follows the metric's series limit: a label cannot usefully take more values than the metric keeps.
 */
public final class LabelDecoder {
    public static final int MAX_CACHE_ENTRIES = 1 << 20;
    private static final String DROPPED = new String("<dropped>");

    private final List<Decoder> chain;
    private final List<String> reads;
    private final Map<Object, String> cache;
    private long cachedGeneration;

    public LabelDecoder(List<DecoderSpec> specs) {
        this(specs, 16_384);
    }

    public LabelDecoder(List<DecoderSpec> specs, int cacheEntries) {
        int bound = Math.min(Math.max(cacheEntries, 1024), MAX_CACHE_ENTRIES);
        cache =
                new LinkedHashMap<>(1024, 0.75f, false) { // insertion order: a hit costs no relinking
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Object, String> eldest) {
                        return size() > bound;
                    }
                };
        chain = specs.stream().map(Decoders::of).toList();
        List<String> r = new ArrayList<>();
        for (Decoder d : chain) r.addAll(d.reads());
        reads = List.copyOf(r);
    }

    /** What the chain's answers depend on now ({@link Decoder#generation()}); values cached under another go. */
    public long generation() {
        long g = 0;
        for (Decoder d : chain) g += d.generation();
        return g;
    }

    /** The label value, or null when a decoder drops the series. */
    public synchronized String decode(byte[] raw, KeyContext key) {
        long generation = generation();
        if (generation != cachedGeneration) {
            cache.clear();
            cachedGeneration = generation;
        }
        Object cacheKey = cacheKey(raw, key);
        String cached = cache.get(cacheKey);
        if (cached != null) return cached == DROPPED ? null : cached;
        byte[] out = raw;
        for (Decoder d : chain) {
            out = d.decode(out, key);
            if (out == null) break;
        }
        String value = out == null ? null : new String(out, StandardCharsets.UTF_8);
        cache.put(cacheKey, value == null ? DROPPED : value);
        return value;
    }

    private Object cacheKey(byte[] raw, KeyContext key) {
        if (reads.isEmpty()) {
            if (raw.length <= 8) { // the common integer label (every raw of a label has the same size)
                long v = 0;
                for (int i = 0; i < raw.length; i++) v |= (raw[i] & 0xffL) << (8 * i); // as stored: low bytes vary most
                return v;
            }
            return new RawKey(raw);
        }
        int size = raw.length;
        List<byte[]> parts = new ArrayList<>(reads.size());
        for (String label : reads) {
            byte[] b = key.raw(label);
            parts.add(b == null ? new byte[0] : b);
            size += 1 + (b == null ? 0 : b.length);
        }
        ByteBuffer k = ByteBuffer.allocate(size).put(raw);
        for (byte[] b : parts) k.put((byte) b.length).put(b);
        return new RawKey(k.array());
    }
}
