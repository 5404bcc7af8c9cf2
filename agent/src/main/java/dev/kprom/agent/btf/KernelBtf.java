package dev.kprom.agent.btf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which BTF describes the running kernel to CO-RE: {@code btf_path} in kprom.yaml, a file, or a directory of files
 * named by kernel release ({@code <dir>/<uname -r>.btf}, as BTFHub lays them out); without it, the kernel's own
 * {@code /sys/kernel/btf/vmlinux}. For kernels built without CONFIG_DEBUG_INFO_BTF.
 */
public final class KernelBtf {
    public static final Path OWN = Path.of("/sys/kernel/btf/vmlinux");
    private static volatile Path chosen;

    private KernelBtf() {}

    /**
     * The file {@code btfPath} names for kernel {@code release} (null when {@code btfPath} is null), or why there
     * is none.
     */
    public static Optional<Path> resolve(String btfPath, String release) {
        if (btfPath == null) return Optional.empty();
        Path p = Path.of(btfPath);
        if (Files.isDirectory(p)) {
            Path byRelease = p.resolve(release + ".btf");
            if (!Files.isRegularFile(byRelease))
                throw new IllegalArgumentException(
                        "no BTF for kernel " + release + " in " + p + " (no " + byRelease + ")");
            return Optional.of(byRelease);
        }
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file or directory: " + p);
        return Optional.of(p);
    }

    /** The running kernel's release: "6.1.0-18-amd64". */
    public static String release() {
        return System.getProperty("os.version");
    }

    /** From now on objects open with {@code btf} (null: the kernel's own). */
    public static void use(Path btf) {
        chosen = btf;
    }

    /** The BTF objects open with now; null for the kernel's own. */
    public static Path inUse() {
        return chosen;
    }

    /** What {@link #inUse()} is, for messages and /probes: a path, or the kernel's own. */
    public static String describe() {
        Path p = chosen;
        return p != null
                ? p.toString()
                : Files.exists(OWN) ? OWN + " (the kernel's own)" : "none (the kernel has no BTF)";
    }
}
