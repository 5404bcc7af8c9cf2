package dev.kprom.exporter.spec;

import java.util.List;
import java.util.Set;

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

    void check(String at, Set<String> names, DecoderCatalog catalog, ProblemSink problems) {
        SpecNames.check(name, at + ".name", "field", names, problems);
        if (size != null && size <= 0) problems.add(at + ".size", "must be > 0 (got " + size + ")");
        if (padding != null && padding < 0) problems.add(at + ".padding", "must be >= 0 (got " + padding + ")");
        DecoderSpec.checkAll(decoders, at, catalog, problems);
    }
}
