import dev.kprom.agent.bpf.BpfLink;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.events.EventReader;
import dev.kprom.exporter.events.RecordHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 *   java -cp target/kprom.jar bench/java/DrainBench.java perf|ring <baselines dir> <calls> <interval_us> <reps> [kprom interval_us [kprom pages]]
 *
 * Each measured kprom run follows a run of the C consumer (perfbuf_drain -p 64 -w 0 -i IV, or ringbuf_drain -s 512
 * -i IV, pinned to CPU 1), whose RESULT line is passed on, so that each pair sees the same machine. The baselines
 * directory may hold amplified programs (bench/burst: several records per call) built the same way.
 * Prints, per measured run, a RESULT line with the C programs' keys: recv, hits, drops, lost, consumer_cpu_s
 * (process CPU from CLOCK_PROCESS_CPUTIME_ID, as precise as the C programs' getrusage) and consumer_ns_per_event;
 * then the same CPU split by thread (from /proc/self/task/N/schedstat): drain threads, JIT compiler threads, this
 * benchmark's own threads (harness), and the JVM's other threads.
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
            if (Clock.C.clock_gettime(Clock.CLOCK_PROCESS_CPUTIME_ID, ts) != 0)
                throw new IllegalStateException("clock_gettime");
            return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
        }
    }

    static long received(EventReader reader) {
        return reader.counts().stream()
                .mapToLong(EventReader.RingCounts::received)
                .sum();
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
        int kpromIntervalUs = args.length > 5 ? Integer.parseInt(args[5]) : intervalUs; // kprom's own, when not C's
        int kpromPages = args.length > 6 ? Integer.parseInt(args[6]) : 64; // kprom's perf ring pages; C's are 64
        boolean perf = mode.equals("perf");
        Path objectPath =
                baselines.resolve(perf ? "perfbuf_drain/perfbuf_drain.bpf.o" : "ringbuf_drain/ringbuf_drain.bpf.o");
        String loadgen = baselines.resolve("loadgen/loadgen").toString();
        Duration interval = Duration.ofNanos(kpromIntervalUs * 1000L);

        try (BpfObject object = BpfObject.openFile(objectPath)) {
            object.programs().forEach(p -> p.setAutoload(p.name().equals("emit")));
            if (!perf) {
                if (!object.setConstants(Map.of("rb_flags", 1L)).isEmpty())
                    throw new IllegalStateException("rb_flags"); // BPF_RB_NO_WAKEUP
                object.map("rb").setMaxEntries(512 * 1024);
            }
            object.load();
            BpfMap stats = object.map("stats");
            Counter counter = new Counter();
            BpfMap events = object.map(perf ? "events" : "rb");
            EventReader.Options options = new EventReader.Options(kpromPages, interval);
            List<String> c = perf
                    ? List.of(
                            baselines.resolve("perfbuf_drain/perfbuf_drain").toString(),
                            "-p",
                            "64",
                            "-w",
                            "0",
                            "-i",
                            Integer.toString(intervalUs))
                    : List.of(
                            baselines.resolve("ringbuf_drain/ringbuf_drain").toString(),
                            "-s",
                            "512",
                            "-i",
                            Integer.toString(intervalUs));
            try (EventReader reader = perf
                    ? EventReader.perfEventArray(events, options, counter)
                    : EventReader.ringBuffer(events, options, counter)) {
                // Warm-up runs until the JIT is done with the drain path: a long-running daemon is measured in its
                // steady state, not while it compiles (at least 3, at most 12; JIT CPU under 2% of the process's)
                int warmups = 0;
                for (int rep = -1; rep < reps; rep++) {
                    if (rep >= 0)
                        runC(c, loadgen, calls); // the C consumer just before, while kprom's program is detached
                    try (BpfLink link = object.program("emit").attachTracepoint("syscalls", "sys_enter_getppid")) {
                        // loadgen starts before the measured window and waits for a line on its stdin, so that
                        // the window holds no fork or exec of this JVM, only what a consumer does
                        Process p = new ProcessBuilder(
                                        "sh",
                                        "-c",
                                        "read go && exec \"$0\" \"$@\"",
                                        loadgen,
                                        "-n",
                                        Long.toString(calls),
                                        "-c",
                                        "0")
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .redirectError(ProcessBuilder.Redirect.INHERIT)
                                .start();
                        long[] before = stats(stats);
                        long received0 = received(reader);
                        long lost0 = lost(reader);
                        threadCpu(); // twice, with a pause: what it makes the JIT compile is compiled before the window
                        Thread.sleep(200);
                        Map<String, Long> threads0 = threadCpu();
                        long cpu0 = processCpu();
                        long t0 = System.nanoTime();
                        p.getOutputStream().write('\n');
                        p.getOutputStream().close();
                        if (p.waitFor() != 0) throw new IllegalStateException("loadgen exited " + p.exitValue());
                        long[] after = stats(stats);
                        long hits = after[0] - before[0];
                        long drops = after[1] - before[1];
                        // the last records: until every emitted record is received (or reported lost), at most 2 s
                        long deadline = System.nanoTime() + 2_000_000_000L;
                        while (received(reader) - received0 + lost(reader) - lost0 < hits - (perf ? 0 : drops)
                                && System.nanoTime() < deadline) {
                            Thread.sleep(1);
                        }
                        long wall = System.nanoTime() - t0;
                        long cpu = processCpu() - cpu0;
                        Map<String, Long> threads = threadCpu();
                        threads.replaceAll((name, ns) -> ns - threads0.getOrDefault(name, 0L));
                        long recv = received(reader) - received0;
                        long lost = lost(reader) - lost0;
                        if (rep < 0) {
                            long jit = sum(threads, "jit");
                            System.err.printf(
                                    "# warm-up %d: JIT %.1f%% of the process CPU%n", ++warmups, 100.0 * jit / cpu);
                            if (warmups < 3 || (warmups < 12 && jit > cpu / 50)) rep--; // another warm-up
                            continue;
                        }
                        System.out.printf(
                                "RESULT tool=kprom_%s rep=%d interval_us=%d recv=%d lost=%d hits=%d drops=%d wall_s=%.3f recv_rate_mps=%.3f "
                                        + "consumer_cpu_s=%.4f consumer_ns_per_event=%.1f drain_thread_ns_per_event=%.1f jit_ns_per_event=%.1f "
                                        + "harness_ns_per_event=%.1f other_ns_per_event=%.1f%n",
                                perf ? "perfbuf" : "ringbuf",
                                rep,
                                kpromIntervalUs,
                                recv,
                                lost,
                                hits,
                                drops,
                                wall / 1e9,
                                recv / (wall / 1e3),
                                cpu / 1e9,
                                perRecord(cpu, recv),
                                perRecord(sum(threads, "drain"), recv),
                                perRecord(sum(threads, "jit"), recv),
                                perRecord(sum(threads, "harness"), recv),
                                perRecord(sum(threads, "other"), recv));
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
        List<String> command = new ArrayList<>(consumer);
        command.addAll(List.of("-c", "1", "--", loadgen, "-n", Long.toString(calls), "-c", "0"));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(command + " exited " + p.exitValue());
        out.lines()
                .filter(l -> l.startsWith("RESULT tool=perfbuf") || l.startsWith("RESULT tool=ringbuf"))
                .forEach(System.out::println);
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

    static double perRecord(long ns, long records) {
        return records == 0 ? 0 : (double) ns / records;
    }

    static long sum(Map<String, Long> threads, String kind) {
        return threads.entrySet().stream()
                .filter(e -> kind(e.getKey().substring(0, e.getKey().lastIndexOf('#')))
                        .equals(kind))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /**
     * What a thread of this JVM is, by its name (/proc comm, 15 characters): kprom's drain threads, the JIT's
     * compiler threads, this benchmark's own (main: starting loadgen, waiting, reading stats; the process reaper),
     * or the JVM's other threads (VM thread, periodic tasks, GC).
     */
    static String kind(String comm) {
        if (comm.startsWith("kprom-")) return "drain";
        if (comm.contains("CompilerThre")) return "jit";
        if (comm.equals("java") || comm.equals("process reaper")) return "harness";
        return "other";
    }

    /** CPU time of each live thread of this process, by "comm#tid", from /proc/self/task/N/schedstat (ns, exact). */
    static Map<String, Long> threadCpu() throws IOException {
        Map<String, Long> cpu = new HashMap<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    String run = Files.readString(task.resolve("schedstat"));
                    cpu.put(comm + "#" + task.getFileName(), Long.parseLong(run.substring(0, run.indexOf(' '))));
                } catch (NoSuchFileException gone) { // the thread ended meanwhile
                }
            }
        }
        return cpu;
    }
}
