package dev.kprom.testing;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kprom.agent.libbpf.LibC;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips a {@link BpfTest} where BPF cannot run (not root, no BTF), saying so on stderr; under CI=true, fails it instead. */
public final class RequiresBpf implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        String missing = null;
        if (LibC.geteuid() != 0) missing = "not running as root";
        else if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux")))
            missing = "kernel has no BTF (/sys/kernel/btf/vmlinux)";
        String why = context.getDisplayName() + " loads real BPF programs: " + missing;
        if (missing != null && "true".equals(System.getenv("CI")))
            fail(why + " (CI=true: BPF tests must run, not skip)");
        if (missing != null) {
            // Surefire reports a skip as a count only: say which tests did not run, and why, where people look.
            System.err.println("kprom: SKIPPING " + why + "; run 'make test' as root");
        }
        assumeTrue(missing == null, why + "; run 'make test' as root");
    }
}
