package dev.kprom.exporter.spec;

import java.util.Optional;
import java.util.Set;

/**
 * The decoders kprom knows, as spec checks see them: their names, and what is wrong with one decoder's options
 * (a missing {@code map}, a bad regexp), if anything. Implemented by the decoder registry, which depends on this
 * package, not the other way round.
 */
public interface DecoderCatalog {
    /** Every decoder's YAML name, sorted. */
    Set<String> names();

    /** What is wrong with the options of a decoder whose name is known, if anything. */
    Optional<String> optionsProblem(DecoderSpec spec);
}
