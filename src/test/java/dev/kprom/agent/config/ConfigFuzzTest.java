package dev.kprom.agent.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The shipped probe sets, mutated at random (bytes cut, doubled or replaced by YAML's own punctuation): loading one
 * either succeeds or throws ConfigException with located errors, never another exception, as an operator's typo
 * in a ConfigMap must never crash a reload.
 */
class ConfigFuzzTest {
    private static final List<String> SHIPPED = shipped();
    private static final String PUNCTUATION = ":-[]{},'\"#&*!|>%@` \n\t0aZ";

    private static List<String> shipped() {
        try (Stream<Path> files = Files.list(Path.of("config/probes"))) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .sorted()
                    .map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A shipped file with one to three random edits. */
    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<String> base = Arbitraries.of(SHIPPED);
        return Combinators.combine(base, Arbitraries.integers().between(1, 3), Arbitraries.longs())
                .as((text, edits, seed) -> {
                    Random random = new Random(seed);
                    StringBuilder s = new StringBuilder(text);
                    for (int i = 0; i < edits && s.length() > 1; i++) {
                        int at = random.nextInt(s.length());
                        int len = 1 + random.nextInt(Math.min(40, s.length() - at));
                        switch (random.nextInt(3)) {
                            case 0 -> s.delete(at, at + len);
                            case 1 -> s.insert(at, s.substring(at, at + len));
                            default -> s.setCharAt(at, PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
                        }
                    }
                    return s.toString();
                });
    }

    @Property(tries = 1500)
    void aMutatedProbeSetLoadsOrIsRefusedWithLocatedErrors(@ForAll("mutated") String text) {
        try {
            ConfigLoader.parseProbeSet("fuzzed", "fuzzed.yaml", text, null);
        } catch (ConfigException refused) {
            for (ConfigError e : refused.errors()) {
                if (e.file() == null || !e.file().equals("fuzzed.yaml"))
                    throw new AssertionError("error without its file: " + e);
            }
        }
    }
}
