package dev.kprom.exporter.spec;

import java.util.List;
import java.util.Set;

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

    /** Where a label sits decides its rules: cut from a map key, the bucket index of a histogram, or a record field. */
    enum Role {
        MAP_KEY,
        BUCKET,
        EVENT
    }

    private static final Set<String> RESERVED = Set.of("le", "quantile", "cpu");

    void check(String at, Role role, Set<String> names, DecoderCatalog catalog, ProblemSink problems) {
        if (SpecNames.check(name, at + ".name", "label", names, problems)) {
            if (name.startsWith("__")) problems.add(at + ".name", "must not start with __ (got \"" + name + "\")");
            else if (RESERVED.contains(name) && role != Role.BUCKET)
                problems.add(at + ".name", "is reserved (got \"" + name + "\")");
        }
        if (role == Role.EVENT) {
            if (size != null || padding != null)
                problems.add(at, "event labels take no size or padding: the record layout has them");
        } else {
            if (size != null && size <= 0) problems.add(at + ".size", "must be > 0 (got " + size + ")");
            if (padding != null && padding < 0) problems.add(at + ".padding", "must be >= 0 (got " + padding + ")");
            if (padding != null && size == null) problems.add(at + ".padding", "only labels with a size have padding");
            if (role == Role.BUCKET && !decoders.isEmpty()) {
                problems.add(at + ".decoders", "the bucket label (the last one of a histogram) takes no decoders");
            } else if (role == Role.MAP_KEY && decoders.isEmpty()) {
                problems.add(at + ".decoders", "at least one decoder is required");
            }
        }
        DecoderSpec.checkAll(decoders, at, catalog, problems);
    }
}
