package dev.kprom.exporter.self;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** A probe set's self-metrics across its versions: what a new version replaces, what leaves with the probe set. */
class ProbeMetersTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void readFailuresInARowAreCountedUntilAReadSucceedsOrANewVersionRuns() {
        ProbeMeters m = new ProbeMeters(meters, "execve", () -> true);
        for (int i = 0; i < 5; i++) m.observer().readFailed("kprom_execve", new IllegalStateException("EBADF"));
        assertThat(m.consecutiveReadFailures()).isEqualTo(5);
        m.observer().read("kprom_execve", 1000, 3);
        assertThat(m.consecutiveReadFailures()).isZero();
        m.observer().readFailed("kprom_execve", new IllegalStateException("EBADF"));
        m.running();
        assertThat(m.consecutiveReadFailures()).isZero();
    }

    @Test
    void aNewVersionReplacesItsOwnMetricsAndCloseRemovesAll() {
        AtomicBoolean up = new AtomicBoolean(true);
        ProbeMeters m = new ProbeMeters(meters, "execve", up::get);
        m.running().program("tp_execve", "tracepoint syscalls/sys_enter_execve");
        assertThat(meters.get("kprom.probe.up").tag("probe", "execve").gauge().value())
                .isEqualTo(1);
        up.set(false);
        assertThat(meters.get("kprom.probe.up").tag("probe", "execve").gauge().value())
                .isZero();
        m.failed("attach");
        m.failed("attach");
        assertThat(meters.get("kprom.probe.failures")
                        .tag("reason", "attach")
                        .counter()
                        .count())
                .isEqualTo(2);

        m.running().program("fentry_execve", "fentry sys_execve");
        assertThat(meters.find("kprom.program.info").gauges())
                .extracting(g -> g.getId().getTag("program"))
                .containsExactly("fentry_execve");

        m.close();
        assertThat(meters.getMeters()).isEmpty();
    }

    @Test
    void aReplacedVersionsSuppliersAreLetGo() throws Exception {
        ProbeMeters m = new ProbeMeters(meters, "connect", () -> true);
        long[] count = {7};
        LongSupplier received = () -> count[0]; // capturing: a lambda of its own, not a shared constant
        WeakReference<LongSupplier> old = new WeakReference<>(received);
        m.running().eventRing("connect_events", 0, received, () -> 0, () -> 0);
        assertThat(meters.get("kprom.events.received").functionCounter().count())
                .isEqualTo(7);
        received = null;
        m.running(); // a new version: the old one's meters and what they read go
        for (int i = 0; i < 20 && old.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(old.get()).as("the replaced version's supplier, unreachable").isNull();
        assertThat(meters.find("kprom.events.received").functionCounter()).isNull();
    }
}
