package dev.kprom.agent.attach;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.kprom.agent.config.PerfEventSpec;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.LibC;

/** Perf events for {@code perf_event} programs: one per CPU, sampling as the spec says, opened disabled. */
public final class PerfEvents {
    private static final int ATTR_SIZE = 112; // PERF_ATTR_SIZE_VER5
    private static final long ATTR_DISABLED = 1L;
    private static final long ATTR_FREQ = 1L << 10;

    private PerfEvents() {}

    /** Opens {@code spec}'s event on {@code cpu} for every process; the file descriptor, or a BpfException with errno. */
    public static int open(PerfEventSpec spec, int cpu) {
        try (Memory attr = new Memory(ATTR_SIZE)) {
            attr.clear();
            attr.setInt(0, spec.type());
            attr.setInt(4, ATTR_SIZE);
            attr.setLong(8, spec.config());
            attr.setLong(16, spec.rate()); // sample_freq or sample_period
            attr.setLong(40, ATTR_DISABLED | (spec.byFrequency() ? ATTR_FREQ : 0)); // libbpf enables it once attached
            int fd = LibC.perf_event_open(attr, -1, cpu, -1, LibC.PERF_FLAG_FD_CLOEXEC);
            if (fd < 0)
                throw new BpfException("perf_event_open(" + spec.describe() + ") on CPU " + cpu, Native.getLastError());
            return fd;
        }
    }
}
