package dev.kprom.exporter.spec;

import java.util.List;

/**
 * A label cut from the map key: {@code size} bytes, then {@code padding} bytes skipped, turned into the label
 * value by {@code decoders} in order.
 */
public record LabelSpec(String name, int size, int padding, List<DecoderSpec> decoders) {
    public LabelSpec {
        decoders = decoders == null ? List.of() : List.copyOf(decoders);
    }

    /** Bytes of key this label spans, padding included. */
    public int span() {
        return size + padding;
    }
}
