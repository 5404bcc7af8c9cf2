package dev.kprom.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.bpf.BpfLink;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.exporter.events.RecordHandler;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real rings filled by a real program: one 60-byte record per getppid() of this process
 * (src/test/bpf/events_test.bpf.c), each with its CPU's sequence number and a pattern derived from it.
 */
@BpfTest
class EventReaderTest {
    private static final Duration FAST = Duration.ofMillis(1);
    private BpfObject object;
    private BpfLink link;

    private BpfMap load(String program) {
        object = BpfObject.openFile(TestObjects.path("events_test.bpf.o"));
        assertThat(object.setConstants(
                        Map.of("target_tgid", ProcessHandle.current().pid())))
                .isEmpty();
        object.programs().forEach(p -> p.setAutoload(p.name().equals(program)));
        object.load();
        link = object.program(program).attachTracepoint("syscalls", "sys_enter_getppid");
        return object.map(program.equals("emit_perf") ? "perf_events" : "ring_events");
    }

    @AfterEach
    void unload() {
        if (link != null) link.close();
        if (object != null) object.close();
    }

    /** Checks every record: intact pattern, and per CPU the sequence numbers 0, 1, 2, ... with none skipped. */
    static class Checker implements RecordHandler {
        final Map<Integer, Long> nextSeq = new HashMap<>();
        final CountDownLatch gate;
        long records;
        long bad;

        Checker() {
            this(new CountDownLatch(0));
        }

        /** A stalled consumer: it takes no record until {@code gate} opens. */
        Checker(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void record(int ring, ByteBuffer buf, int offset, int length) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            check(buf, offset, length);
        }

        private synchronized void check(ByteBuffer buf, int offset, int length) {
            records++;
            long seq = buf.getLong(offset);
            int cpu = buf.getInt(offset + 12);
            boolean ok = length >= 60 && seq == nextSeq.getOrDefault(cpu, 0L);
            for (int i = 0; i < 44; i++) ok &= buf.get(offset + 16 + i) == (byte) (seq + i);
            if (!ok) bad++;
            nextSeq.put(cpu, seq + 1);
        }

        synchronized long records() {
            return records;
        }
    }

    /** Emits {@code n} records in batches small enough for the ring, letting the reader catch up after each. */
    private static void emitInBatches(int n, int batch, LongSupplier received) throws InterruptedException {
        for (int done = 0; done < n; ) {
            int k = Math.min(batch, n - done);
            for (int i = 0; i < k; i++) TestLibC.getppid();
            done += k;
            awaitAtLeast(received, done);
        }
    }

    private static void awaitAtLeast(LongSupplier value, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() < target && System.nanoTime() < deadline) Thread.sleep(1);
    }

    /** Outputs the program saw fail (ring full): slot 1 of its per-CPU stats, summed over CPUs. */
    private long bpfFailed() {
        var reader = object.map("stats").reader();
        long[] sum = {0};
        reader.forEach((keys, ko, values, vo) -> {
            if (keys.getInt(ko) != 1) return;
            for (int c = 0; c < reader.cpus(); c++) sum[0] += values.getLong(vo + c * reader.cpuStride());
        });
        return sum[0];
    }

    @Test
    void perfRecordsArriveExactlyOnceIntactAndInOrderAcrossTheRingEnd() throws Exception {
        BpfMap map = load("emit_perf");
        Checker checker = new Checker();
        try (EventReader reader = EventReader.perfEventArray(map, new EventReader.Options(2, FAST), checker)) {
            emitInBatches(5000, 50, checker::records);
            assertThat(checker.records()).isEqualTo(5000);
            assertThat(checker.bad).isZero();
            assertThat(reader.counts()).allSatisfy(c -> assertThat(c.lost()).isZero());
            // a ring counts a drain pass's records after handing them over: the handler may have seen the last first
            LongSupplier received = () -> reader.counts().stream()
                    .mapToLong(EventReader.RingCounts::received)
                    .sum();
            awaitAtLeast(received, 5000);
            assertThat(received.getAsLong()).isEqualTo(5000);
            // 72-byte records in an 8 KiB ring: most passes over the ring split a record at its end
            assertThat(reader.rings().stream()
                            .mapToLong(r -> ((PerfRing) r).wrapped())
                            .sum())
                    .isGreaterThan(10);
        }
        assertThat(bpfFailed()).isZero();
    }

    @Test
    void perfRingTooSmallForABurstReportsEveryLostRecord() throws Exception {
        BpfMap map = load("emit_perf");
        CountDownLatch burstDone = new CountDownLatch(1);
        Checker checker = new Checker(burstDone);
        int n = 3000;
        try (EventReader reader = EventReader.perfEventArray(map, new EventReader.Options(1, FAST), checker)) {
            // on one CPU, so that the one record sent after the burst goes to the ring that lost records: the
            // kernel reports a loss with the next record it manages to write there
            TestLibC.onCpu(0, () -> {
                for (int i = 0; i < n; i++) TestLibC.getppid();
                burstDone.countDown();
                try {
                    awaitAtLeast(checker::records, 1);
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                TestLibC.getppid();
            });
            LongSupplier accounted = () -> reader.counts().stream()
                    .mapToLong(c -> c.received() + c.lost())
                    .sum();
            awaitAtLeast(accounted, n + 1);
            long lost = reader.counts().stream()
                    .mapToLong(EventReader.RingCounts::lost)
                    .sum();
            assertThat(lost).isGreaterThan(n / 2);
            assertThat(accounted.getAsLong()).isEqualTo(n + 1);
            assertThat(lost).isEqualTo(bpfFailed());
        }
    }

    @Test
    void ringBufferRecordsArriveExactlyOnceIntactAndInOrder() throws Exception {
        BpfMap map = load("emit_ring");
        Checker checker = new Checker();
        try (EventReader reader = EventReader.ringBuffer(map, new EventReader.Options(64, FAST), checker)) {
            assertThat(reader.threadNames()).containsExactly("kprom-ringbuf-ring_events");
            // 64 bytes a record (header included) in 16 KiB: 5000 records go round the ring 19 times
            emitInBatches(5000, 100, checker::records);
            assertThat(checker.records()).isEqualTo(5000);
            assertThat(checker.bad).isZero();
            assertThat(reader.counts().get(0).received()).isEqualTo(5000);
        }
        assertThat(bpfFailed()).isZero();
    }

    @Test
    void ringBufferTooSmallForABurstLosesOnlyWhatTheProgramCounted() throws Exception {
        BpfMap map = load("emit_ring");
        CountDownLatch burstDone = new CountDownLatch(1);
        Checker checker = new Checker(burstDone);
        int n = 2000;
        try (EventReader reader = EventReader.ringBuffer(map, new EventReader.Options(64, FAST), checker)) {
            for (int i = 0; i < n; i++) TestLibC.getppid();
            burstDone.countDown();
            long failed = bpfFailed();
            assertThat(failed).isGreaterThan(0);
            awaitAtLeast(checker::records, n - failed);
            Thread.sleep(20);
            assertThat(checker.records()).isEqualTo(n - failed);
        }
    }

    @Test
    void ringBufferSpaceGoesBackToTheProducerDuringALongDrain() throws Exception {
        BpfMap map = load("emit_ring");
        CountDownLatch full = new CountDownLatch(1);
        Checker checker = new Checker(full) {
            @Override
            public void record(int ring, ByteBuffer buf, int offset, int length) {
                super.record(ring, buf, offset, length);
                // half of a full 16 KiB ring taken: 8 KiB must be back with the producer already, before the
                // drain ends, so these 64 records (4 KiB) fit; they arrive in order after the others
                if (records() == 128) for (int i = 0; i < 64; i++) TestLibC.getppid();
            }
        };
        try (EventReader reader = EventReader.ringBuffer(map, new EventReader.Options(64, FAST), checker)) {
            int sent = 0;
            while (bpfFailed() == 0
                    && sent < 1000) { // the drain thread waits in the first record: fill the ring to the brim
                TestLibC.getppid();
                sent++;
            }
            assertThat(bpfFailed()).as("a 16 KiB ring holds ~230 records").isEqualTo(1);
            long failedWhenFull = bpfFailed();
            full.countDown();
            awaitAtLeast(checker::records, sent - failedWhenFull + 64);
            Thread.sleep(20);
            assertThat(bpfFailed()).isEqualTo(failedWhenFull);
            assertThat(checker.records()).isEqualTo(sent - failedWhenFull + 64);
        }
    }

    @Test
    void onePerfThreadPerOnlineCpuAndCloseJoinsThemAll() {
        BpfMap map = load("emit_perf");
        EventReader reader = EventReader.perfEventArray(map, EventReader.Options.DEFAULT, RecordHandler.NONE);
        int online = OnlineCpus.read().cardinality();
        assertThat(reader.threadNames()).hasSize(online).allMatch(n -> n.matches("kprom-perf-perf_events-cpu\\d+"));
        assertThat(liveThreadsNamed("kprom-perf-perf_events-")).isEqualTo(online);
        long start = System.nanoTime();
        reader.close(); // the default 10 ms interval: close must wake the threads, not wait out their timers
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(liveThreadsNamed("kprom-perf-perf_events-")).isZero();
        reader.close();
    }

    private static long liveThreadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .count();
    }

    @Test
    void anErrorInTheDrainDoesNotEndItsThread() throws Exception {
        for (String program : new String[] {"emit_ring", "emit_perf"}) {
            BpfMap map = load(program);
            AtomicInteger calls = new AtomicInteger();
            AtomicLong handled = new AtomicLong();
            RecordHandler flaky = (ring, buf, offset, length) -> {
                if (calls.incrementAndGet() == 1) throw new AssertionError("an Error in a handler, once");
                handled.incrementAndGet();
            };
            EventReader.Options options = new EventReader.Options(program.equals("emit_ring") ? 64 : 2, FAST);
            try (EventReader reader = program.equals("emit_ring")
                    ? EventReader.ringBuffer(map, options, flaky)
                    : EventReader.perfEventArray(map, options, flaky)) {
                for (int i = 0; i < 10; i++) TestLibC.getppid();
                awaitAtLeast(handled::get, 9);
                for (int i = 0; i < 10; i++) TestLibC.getppid();
                awaitAtLeast(handled::get, 19);
                assertThat(reader.restarts()).as(program).isEqualTo(1);
                // the record the handler threw on is either given again or skipped, never more
                assertThat(handled.get()).as(program).isBetween(19L, 20L);
            }
            unload();
            link = null;
            object = null;
        }
    }
}
