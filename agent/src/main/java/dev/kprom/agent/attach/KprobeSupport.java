package dev.kprom.agent.attach;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Whether this kernel can create kprobes at all: a kprobe PMU, or the legacy kprobe_events file in tracefs. */
public final class KprobeSupport {
    static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe/type");

    private KprobeSupport() {}

    /** Empty when kprobes can be created; else why not. */
    public static Optional<String> missing(Path tracefs) {
        Path events = tracefs.resolve("kprobe_events");
        if (Files.exists(KPROBE_PMU) || Files.exists(events)) return Optional.empty();
        return Optional.of("this kernel has no kprobe support (neither " + KPROBE_PMU.getParent() + " nor " + events
                + " exists; CONFIG_KPROBES is off)");
    }
}
