package dev.kprom.exporter.spec;

import java.util.List;

/**
 * A label cut from the map key. Either laid out explicitly ({@code size} bytes, then {@code padding} skipped,
 * labels back to back from offset 0) or, when {@code size} is left out, found in the key's BTF struct by
 * {@code field} (default: the label's name). {@code decoders} turn the bytes into the label value, in order.
 */
public record LabelSpec(String name, Integer size, Integer padding, String field, List<DecoderSpec> decoders) {
    public LabelSpec {
        decoders = decoders == null ? List.of() : List.copyOf(decoders);
    }

    public LabelSpec(String name, int size, List<DecoderSpec> decoders) {
        this(name, size, null, null, decoders);
    }

    /** The key field this label reads when laid out from BTF. */
    public String fieldName() {
        return field != null ? field : name;
    }

    public int paddingOrZero() {
        return padding == null ? 0 : padding;
    }
}
