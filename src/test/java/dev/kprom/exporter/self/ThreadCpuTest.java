package dev.kprom.exporter.self;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Thread CPU by group: a drain thread's time counts under "drain", and stays counted after the thread ends. */
class ThreadCpuTest {
    @Test
    void aDrainThreadsCpuIsCountedAndKeptAfterItEnds() throws Exception {
        AtomicLong clock = new AtomicLong();
        ThreadCpu cpu = new ThreadCpu(clock::get);
        double before = cpu.seconds(0);
        Thread drain = new Thread(
                () -> {
                    long end = System.nanoTime() + 300_000_000L;
                    long x = 0;
                    while (System.nanoTime() < end) x += x * 31 + 7; // busy for 300 ms
                    if (x == 42) System.out.println();
                },
                "kprom-perf-test_events-cpu0");
        drain.start();
        Thread.sleep(250);
        clock.addAndGet(2_000_000_000L);
        double during = cpu.seconds(0);
        drain.join();
        clock.addAndGet(2_000_000_000L);
        double after = cpu.seconds(0);
        assertThat(during - before).isGreaterThan(0.1);
        assertThat(after).isGreaterThanOrEqualTo(during); // the ended thread's time stays in its group
        assertThat(cpu.seconds(5)).isPositive(); // this test's own thread, among the JVM's
        assertThat(ThreadCpu.group("kprom-ringbuf-x")).isZero();
        assertThat(ThreadCpu.group("kprom-http-io-1-1")).isEqualTo(1);
        assertThat(ThreadCpu.group("kprom-bcrypt-3-1")).isEqualTo(3);
    }
}
