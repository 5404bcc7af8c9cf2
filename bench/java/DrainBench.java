import dev.kprom.agent.bpf.BpfLink;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.events.EventReader;
import dev.kprom.exporter.events.RecordHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * kprom's perf and ring buffer readers against the C baselines' own BPF programs and load generator
 * (../shared/baselines: perfbuf_drain.bpf.o / ringbuf_drain.bpf.o on sys_enter_getppid, 32-byte records,
 * loadgen pinned to CPU 0). Timed draining like the C "_timed" configs: perf rings with no per-event wakeup,
 * a ring buffer written with BPF_RB_NO_WAKEUP, drained every interval. The handler counts each record and reads
 * its seq field, as the C callback does. Run it pinned (taskset -c 1) so that every JVM thread, JIT and GC
 * included, is charged to the consumer CPU, like the pinned C consumer.
 *
 *   java -cp target/kprom.jar bench/java/DrainBench.java perf|ring <baselines dir> <calls> <interval_us> <reps>
 *
 * Each measured kprom run follows a run of the C consumer (perfbuf_drain -p 64 -w 0 -i IV, or ringbuf_drain -s 512
 * -i IV, pinned to CPU 1), whose RESULT line is passed on, so that each pair sees the same machine.
 * Prints, per measured run, a RESULT line with the C programs' keys: recv, hits, drops, lost,
 * consumer_cpu_s (process CPU from CLOCK_PROCESS_CPUTIME_ID, as precise as the C programs' getrusage), consumer_ns_per_event, and drain_thread_ns_per_event.
 */
public final class DrainBench {
    /** Like the C callback: count the record and read one field (plain fields; the reader publishes its own counts). */
    static final class Counter implements RecordHandler {
        long records;
        long seqSum;

        @Override
        public void record(int ring, ByteBuffer buf, int offset, int length) {
            records++;
            seqSum += buf.getInt(offset + 20);
        }
    }

    /** clock_gettime(2): the JVM's process CPU time comes from times(), in 10 ms ticks, too coarse for a 3 s run. */
    interface Clock extends com.sun.jna.Library {
        Clock C = com.sun.jna.Native.load("c", Clock.class);
        int CLOCK_PROCESS_CPUTIME_ID = 2;

        int clock_gettime(int clock, com.sun.jna.Memory timespec);
    }

    /** This process's CPU time in ns, all threads (past ones included), like the C consumers' getrusage. */
    static long processCpu() {
        try (com.sun.jna.Memory ts = new com.sun.jna.Memory(16)) {
            if (Clock.C.clock_gettime(Clock.CLOCK_PROCESS_CPUTIME_ID, ts) != 0) throw new IllegalStateException("clock_gettime");
            return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
        }
    }

    static long received(EventReader reader) {
        return reader.counts().stream().mapToLong(EventReader.RingCounts::received).sum();
    }

    static long lost(EventReader reader) {
        return reader.counts().stream().mapToLong(EventReader.RingCounts::lost).sum();
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path baselines = Path.of(args[1]);
        long calls = Long.parseLong(args[2]);
        int intervalUs = Integer.parseInt(args[3]);
        int reps = Integer.parseInt(args[4]);
        boolean perf = mode.equals("perf");
        Path objectPath = baselines.resolve(perf ? "perfbuf_drain/perfbuf_drain.bpf.o" : "ringbuf_drain/ringbuf_drain.bpf.o");
        String loadgen = baselines.resolve("loadgen/loadgen").toString();
        Duration interval = Duration.ofNanos(intervalUs * 1000L);

        try (BpfObject object = BpfObject.openFile(objectPath)) {
            object.programs().forEach(p -> p.setAutoload(p.name().equals("emit")));
            if (!perf) {
                if (!object.setConstants(Map.of("rb_flags", 1L)).isEmpty()) throw new IllegalStateException("rb_flags"); // BPF_RB_NO_WAKEUP
                object.map("rb").setMaxEntries(512 * 1024);
            }
            object.load();
            BpfMap stats = object.map("stats");
            Counter counter = new Counter();
            BpfMap events = object.map(perf ? "events" : "rb");
            EventReader.Options options = new EventReader.Options(64, interval);
            List<String> c = perf
                    ? List.of(baselines.resolve("perfbuf_drain/perfbuf_drain").toString(), "-p", "64", "-w", "0", "-i", Integer.toString(intervalUs))
                    : List.of(baselines.resolve("ringbuf_drain/ringbuf_drain").toString(), "-s", "512", "-i", Integer.toString(intervalUs));
            try (EventReader reader = perf ? EventReader.perfEventArray(events, options, counter)
                    : EventReader.ringBuffer(events, options, counter)) {
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                for (int rep = -3; rep < reps; rep++) { // three warm-up runs for the JIT
                    if (rep >= 0) runC(c, loadgen, calls); // the C consumer just before, while kprom's program is detached
                    try (BpfLink link = object.program("emit").attachTracepoint("syscalls", "sys_enter_getppid")) {
                        long[] before = stats(stats);
                        long received0 = received(reader);
                        long lost0 = lost(reader);
                        long cpu0 = processCpu();
                        long drain0 = drainThreadsCpu(threads);
                        long t0 = System.nanoTime();
                        Process p = new ProcessBuilder(loadgen, "-n", Long.toString(calls), "-c", "0")
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                        if (p.waitFor() != 0) throw new IllegalStateException("loadgen exited " + p.exitValue());
                        long[] after = stats(stats);
                        long hits = after[0] - before[0];
                        long drops = after[1] - before[1];
                        // the last records: until every emitted record is received (or reported lost), at most 2 s
                        long deadline = System.nanoTime() + 2_000_000_000L;
                        while (received(reader) - received0 + lost(reader) - lost0 < hits - (perf ? 0 : drops)
                                && System.nanoTime() < deadline) {
                            Thread.sleep(0, 200_000);
                        }
                        long wall = System.nanoTime() - t0;
                        long cpu = processCpu() - cpu0;
                        long drain = drainThreadsCpu(threads) - drain0;
                        long recv = received(reader) - received0;
                        long lost = lost(reader) - lost0;
                        if (rep < 0) continue;
                        System.out.printf("RESULT tool=kprom_%s rep=%d interval_us=%d recv=%d lost=%d hits=%d drops=%d wall_s=%.3f recv_rate_mps=%.3f "
                                        + "consumer_cpu_s=%.3f consumer_ns_per_event=%.1f drain_thread_ns_per_event=%.1f%n",
                                perf ? "perfbuf" : "ringbuf", rep, intervalUs, recv, lost, hits, drops, wall / 1e9, recv / (wall / 1e3),
                                cpu / 1e9, recv == 0 ? 0 : (double) cpu / recv, recv == 0 ? 0 : (double) drain / recv);
                    }
                }
                if (counter.seqSum == 42) System.out.println(); // keep the read
            }
        }
    }

    /**
     * One run of the C consumer (pinned to CPU 1, like this JVM) over the same loadgen; prints its RESULT line.
     * Runs alternate with kprom's so that both see the same machine: this VM's costs drift by tens of percent.
     */
    static void runC(List<String> consumer, String loadgen, long calls) throws Exception {
        List<String> command = new java.util.ArrayList<>(consumer);
        command.addAll(List.of("-c", "1", "--", loadgen, "-n", Long.toString(calls), "-c", "0"));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(command + " exited " + p.exitValue());
        out.lines().filter(l -> l.startsWith("RESULT tool=perfbuf") || l.startsWith("RESULT tool=ringbuf")).forEach(System.out::println);
    }

    /** {hits, drops} summed over CPUs: struct stats { u64 hits, drops; } in a 1-slot PERCPU_ARRAY. */
    static long[] stats(BpfMap stats) {
        var reader = stats.reader();
        long[] sum = new long[2];
        reader.forEach((keys, ko, values, vo) -> {
            for (int c = 0; c < reader.cpus(); c++) {
                sum[0] += values.getLong(vo + c * reader.cpuStride());
                sum[1] += values.getLong(vo + c * reader.cpuStride() + 8);
            }
        });
        return sum;
    }

    static long drainThreadsCpu(ThreadMXBean threads) {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("kprom-perf-") || t.getName().startsWith("kprom-ringbuf-")) {
                long ns = threads.getThreadCpuTime(t.getId());
                if (ns > 0) total += ns;
            }
        }
        return total;
    }
}
