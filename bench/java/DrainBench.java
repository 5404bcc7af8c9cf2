import com.sun.management.OperatingSystemMXBean;
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
 * Prints, per measured run, a RESULT line with the C programs' keys: recv, hits, drops, lost,
 * consumer_cpu_s (process CPU, getrusage-like), consumer_ns_per_event, and drain_thread_ns_per_event.
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
            try (BpfLink link = object.program("emit").attachTracepoint("syscalls", "sys_enter_getppid");
                 EventReader reader = perf ? EventReader.perfEventArray(events, options, counter)
                         : EventReader.ringBuffer(events, options, counter)) {
                OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                for (int rep = -3; rep < reps; rep++) { // three warm-up runs for the JIT
                    long[] before = stats(stats);
                    long received0 = received(reader);
                    long lost0 = lost(reader);
                    long cpu0 = os.getProcessCpuTime();
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
                    long cpu = os.getProcessCpuTime() - cpu0;
                    long drain = drainThreadsCpu(threads) - drain0;
                    long recv = received(reader) - received0;
                    long lost = lost(reader) - lost0;
                    if (rep < 0) continue;
                    System.out.printf("RESULT tool=kprom_%s interval_us=%d recv=%d lost=%d hits=%d drops=%d wall_s=%.3f recv_rate_mps=%.3f "
                                    + "consumer_cpu_s=%.3f consumer_ns_per_event=%.1f drain_thread_ns_per_event=%.1f%n",
                            perf ? "perfbuf" : "ringbuf", intervalUs, recv, lost, hits, drops, wall / 1e9, recv / (wall / 1e3),
                            cpu / 1e9, recv == 0 ? 0 : (double) cpu / recv, recv == 0 ? 0 : (double) drain / recv);
                }
                if (counter.seqSum == 42) System.out.println(); // keep the read
            }
        }
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
