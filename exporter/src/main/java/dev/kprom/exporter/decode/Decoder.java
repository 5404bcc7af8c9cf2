package dev.kprom.exporter.decode;

/**
 * Turns label bytes into label bytes; chained per label, the first gets the raw key field. Returning null drops
 * the series (a filter). The label value is the UTF-8 text of the last decoder's output.
 */
@FunctionalInterface
public interface Decoder {
    byte[] decode(byte[] in);
}
