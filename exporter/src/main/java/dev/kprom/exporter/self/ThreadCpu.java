package dev.kprom.exporter.self;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CPU time of kprom's threads by what they do, from their names: {@code drain} (the perf and ring buffer readers),
 * {@code http} (accept and I/O loops), {@code scrape}, {@code auth} (bcrypt), {@code lifecycle} and {@code jvm}
 * (everything else the JVM shows, its compiler threads among them; GC threads are not Java threads). The sums only
 * grow: a thread that ended (a drain thread of a replaced probe set) keeps its last time in its group. Sampled at
 * most once a second however many groups ask.
 */
final class ThreadCpu {
    static final String[] GROUPS = {"drain", "http", "scrape", "auth", "lifecycle", "jvm"};
    private static final long RESAMPLE_NANOS = 1_000_000_000L;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final LongSupplier clock;
    private Map<Long, long[]> live = new HashMap<>(); // thread id -> {group, cpu ns}
    private final long[] ended = new long[GROUPS.length];
    private final long[] totals = new long[GROUPS.length];
    private long sampledAt;
    private boolean sampled;

    ThreadCpu(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    static int group(String thread) {
        if (thread.startsWith("kprom-perf-") || thread.startsWith("kprom-ringbuf-")) return 0;
        if (thread.startsWith("kprom-http-")) return 1;
        if (thread.startsWith("kprom-scrape")) return 2;
        if (thread.startsWith("kprom-bcrypt")) return 3;
        if (thread.startsWith("kprom-lifecycle")) return 4;
        return 5;
    }

    /** Seconds of CPU the threads of {@code group} (an index of {@link #GROUPS}) have used. */
    synchronized double seconds(int group) {
        long now = clock.getAsLong();
        if (!sampled || now - sampledAt >= RESAMPLE_NANOS) {
            sampled = true;
            sampledAt = now;
            sample();
        }
        return totals[group] / 1e9;
    }

    private void sample() {
        if (!threads.isThreadCpuTimeSupported()) return;
        Map<Long, long[]> next = new HashMap<>();
        long[] ids = threads.getAllThreadIds();
        var infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (infos[i] == null || cpu < 0) continue; // ended meanwhile: its last sample is counted below
            next.put(ids[i], new long[] {group(infos[i].getThreadName()), cpu});
        }
        for (Map.Entry<Long, long[]> gone : live.entrySet()) {
            if (!next.containsKey(gone.getKey())) ended[(int) gone.getValue()[0]] += gone.getValue()[1];
        }
        live = next;
        long[] sums = ended.clone();
        for (long[] t : next.values()) sums[(int) t[0]] += t[1];
        for (int g = 0; g < GROUPS.length; g++) totals[g] = Math.max(totals[g], sums[g]);
    }
}
