package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.events.OnlineCpus;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** perf_event programs: a cpu-clock program samples on every online CPU; a hardware event on this VM is refused. */
@BpfTest
class PerfEventTest {
    private static ProbeSetConfig probeSet(String event) {
        return ConfigLoader.parseProbeSet(
                "perf",
                "perf.yaml",
                "object: " + TestObjects.path("perf_event_test.bpf.o") + "\n"
                        + "programs:\n  - name: sample\n    attach: [{program: on_cpu, perf_event: " + event + "}]\n"
                        + "metrics:\n  counters:\n"
                        + "    - {name: samples_total, help: h, labels: [{name: on_cpu, size: 4, decoders: [{name: uint}]}]}\n",
                null);
    }

    @Test
    void aCpuClockProgramSamplesOnEveryOnlineCpu() throws Exception {
        try (ProbeSet set = loader().load(probeSet("{event: cpu_clock, frequency: 199}"))) {
            assertThat(set.status().programs().get(0).attach()).startsWith("perf_event cpu_clock at 199 Hz");
            // cpu-clock samples a CPU while it runs something (an idle, tickless CPU takes none): keep each busy 600 ms
            BitSet online = OnlineCpus.read();
            List<Thread> spinners = new ArrayList<>();
            for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
                int on = cpu;
                Thread t = new Thread(() -> TestLibC.onCpu(on, () -> {
                    long end = System.nanoTime() + 600_000_000L;
                    long x = 0;
                    while (System.nanoTime() < end) x += x * 31 + 7;
                    if (x == 42) System.out.println();
                }));
                t.start();
                spinners.add(t);
            }
            for (Thread t : spinners) t.join();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (MultiCollector c : set.collectors())
                PrometheusTextFormatWriter.create().write(out, c.collect());
            String text = out.toString(StandardCharsets.UTF_8);
            BitSet cpus = OnlineCpus.read();
            for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1)) {
                Matcher m = Pattern.compile("kprom_samples_total\\{on_cpu=\"" + cpu + "\"} (\\S+)")
                        .matcher(text);
                assertThat(m.find()).as("samples on CPU %d in %s", cpu, text).isTrue();
                // 199 Hz over 600 ms busy (about 120), whatever else ran: bounded, not exact
                assertThat(Double.parseDouble(m.group(1))).isBetween(40.0, 400.0);
            }
        }
    }

    @Test
    void aHardwareEventOnAMachineWithoutCountersIsRefusedWithTheReason() {
        assertThatThrownBy(() -> loader().load(probeSet("{event: cycles, period: 1000000}")))
                .isInstanceOf(ProbeSetException.class)
                .hasMessageContaining("perf_event cycles every 1000000 (program on_cpu): this machine has no hardware"
                        + " performance counter for cycles (most VMs have none)");
    }
}
