package dev.kprom.exporter.spec;

import java.util.List;

/**
 * A field of an event record. With {@code size}, fields are laid out back to back from offset 0 ({@code padding}
 * bytes skipped after each); without, the field is found by name in the record's BTF struct. {@code decoders} turn
 * its bytes into text for labels and traces (labels may bring their own).
 */
public record FieldSpec(String name, Integer size, Integer padding, List<DecoderSpec> decoders) {
    public FieldSpec {
        decoders = decoders == null ? List.of() : List.copyOf(decoders);
    }

    public int paddingOrZero() {
        return padding == null ? 0 : padding;
    }
}
