package dev.kprom.agent.bpf;

import com.sun.jna.Native;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The BPF filesystem, where pinned maps outlive the process that made them; mounted when nothing has. */
public final class Bpffs {
    private static final Logger LOG = LoggerFactory.getLogger(Bpffs.class);
    public static final Path ROOT = Path.of("/sys/fs/bpf");

    private Bpffs() {}

    /** Makes sure {@code dir} lies on a mounted bpffs (mounting one on /sys/fs/bpf if none is) and exists. */
    public static synchronized void ensure(Path dir) {
        if (!mounted(dir)) {
            if (!dir.startsWith(ROOT)) {
                throw new IllegalStateException(
                        dir + " is not on a BPF filesystem (mount one there, or pin under " + ROOT + ")");
            }
            if (LibC.mount("bpf", ROOT.toString(), "bpf", 0, null) != 0) {
                throw new IllegalStateException("mount bpffs on " + ROOT + ": " + Errno.describe(Native.getLastError())
                        + " (kprom needs root or CAP_SYS_ADMIN to mount it; or mount it beforehand)");
            }
            LOG.info("mounted bpffs on {}", ROOT);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("create " + dir, e);
        }
    }

    /** Whether a bpf filesystem is mounted at {@code dir} or above it (from /proc/self/mounts). */
    static boolean mounted(Path dir) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            return lines.map(l -> l.split(" "))
                    .anyMatch(f -> f.length > 2
                            && f[2].equals("bpf")
                            && dir.toAbsolutePath().startsWith(f[1]));
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the pins of every probe set under {@code dir} that is not in {@code keep}; returns their names. */
    public static Set<String> removeAllBut(Path dir, Set<String> keep) {
        if (!Files.isDirectory(dir)) return Set.of();
        try (Stream<Path> sets = Files.list(dir)) {
            Set<String> gone = new TreeSet<>();
            for (Path set : sets.filter(Files::isDirectory).toList()) {
                if (keep.contains(set.getFileName().toString())) continue;
                remove(set);
                gone.add(set.getFileName().toString());
            }
            return gone;
        } catch (IOException e) {
            throw new UncheckedIOException("list pins in " + dir, e);
        }
    }

    /** Unpins everything under {@code dir} and removes it (a pinned map is freed once nothing else holds it). */
    public static void remove(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("remove pins " + dir, e);
        }
    }
}
