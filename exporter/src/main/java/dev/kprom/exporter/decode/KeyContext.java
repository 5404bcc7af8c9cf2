package dev.kprom.exporter.decode;

/** The raw bytes of the other labels of the key being decoded, for decoders that depend on them. */
@FunctionalInterface
public interface KeyContext {
    KeyContext NONE = label -> null;

    /** The raw bytes of {@code label}, or null if there is no such label. */
    byte[] raw(String label);
}
