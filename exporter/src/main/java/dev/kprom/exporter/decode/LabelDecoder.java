package dev.kprom.exporter.decode;

import dev.kprom.exporter.spec.DecoderSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One label's decoder chain with a bounded cache of decoded values (least recently used out first), keyed by
 * the label's raw bytes and those of the labels the chain reads. A dropped series is cached as such too.
 */
public final class LabelDecoder {
    public static final int CACHE_ENTRIES = 16_384;
    private static final String DROPPED = new String("<dropped>");

    private final List<Decoder> chain;
    private final List<String> reads;
    private final Map<ByteBuffer, String> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, String> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    public LabelDecoder(List<DecoderSpec> specs) {
        chain = specs.stream().map(Decoders::of).toList();
        List<String> r = new ArrayList<>();
        for (Decoder d : chain) r.addAll(d.reads());
        reads = List.copyOf(r);
    }

    /** The label value, or null when a decoder drops the series. */
    public synchronized String decode(byte[] raw, KeyContext key) {
        ByteBuffer cacheKey = cacheKey(raw, key);
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

    private ByteBuffer cacheKey(byte[] raw, KeyContext key) {
        if (reads.isEmpty()) return ByteBuffer.wrap(raw);
        int size = raw.length;
        List<byte[]> parts = new ArrayList<>(reads.size());
        for (String label : reads) {
            byte[] b = key.raw(label);
            parts.add(b == null ? new byte[0] : b);
            size += 1 + (b == null ? 0 : b.length);
        }
        ByteBuffer k = ByteBuffer.allocate(size).put(raw);
        for (byte[] b : parts) k.put((byte) b.length).put(b);
        return k.flip();
    }
}
