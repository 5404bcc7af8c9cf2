package dev.kprom.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Test-only BPF objects, compiled from src/test/bpf by {@code make probes} into target/test-bpf. */
public final class TestObjects {
    private TestObjects() {}

    public static Path path(String object) {
        Path p = Path.of("target/test-bpf", object).toAbsolutePath();
        if (!Files.exists(p)) throw new IllegalStateException(p + " is missing: run 'make probes'");
        return p;
    }
}
