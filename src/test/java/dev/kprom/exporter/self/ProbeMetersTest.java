package dev.kprom.exporter.self;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
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
}
