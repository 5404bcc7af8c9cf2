package dev.kprom.exporter.decode;

import java.util.List;

/**
 * Turns label bytes into label bytes; chained per label, the first gets the raw key field, the rest the text
 * the previous one produced. Returning null drops the series (a filter). The label value is the UTF-8 text of
 * the last decoder's output.
 */
@FunctionalInterface
public interface Decoder {
    byte[] decode(byte[] in, KeyContext key);

    /** Other labels this decoder reads through {@link KeyContext} (their raw bytes are part of its cache key). */
    default List<String> reads() {
        return List.of();
    }

    /**
     * What the decoder's answers depend on, as a number that changes with it (the pod cache, for {@code kube_*});
     * values decoded under another generation are decoded again. 0 for decoders whose answers never change.
     */
    default long generation() {
        return 0;
    }
}
