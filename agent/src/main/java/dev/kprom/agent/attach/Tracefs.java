package dev.kprom.agent.attach;

import com.sun.jna.Native;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds tracefs (the home of tracepoint ids and kprobe_events), mounting it when nothing has. */
public final class Tracefs {
    private static final Logger LOG = LoggerFactory.getLogger(Tracefs.class);
    public static final Path TRACING = Path.of("/sys/kernel/tracing");
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");

    private Tracefs() {}

    /** The mounted tracefs root; mounts it at /sys/kernel/tracing when neither usual place has it. */
    public static synchronized Path ensureMounted() {
        if (Files.isDirectory(TRACING.resolve("events"))) return TRACING;
        if (Files.isDirectory(DEBUGFS_TRACING.resolve("events"))) return DEBUGFS_TRACING;
        if (LibC.mount("nodev", TRACING.toString(), "tracefs", 0, null) != 0) {
            throw new IllegalStateException("mount tracefs on " + TRACING + ": " + Errno.describe(Native.getLastError())
                    + " (kprom needs root or CAP_SYS_ADMIN to mount it; or mount it beforehand)");
        }
        LOG.info("mounted tracefs on {}", TRACING);
        return TRACING;
    }
}
