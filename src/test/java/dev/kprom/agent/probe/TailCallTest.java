package dev.kprom.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** tail_calls: a dispatcher's PROG_ARRAY filled from config before attach; exact counts per target. */
@BpfTest
class TailCallTest {
    private static ProbeSetConfig probeSet(String tailCalls) {
        return ConfigLoader.parseProbeSet(
                "tail",
                "tail.yaml",
                "object: " + TestObjects.path("tailcall_test.bpf.o") + "\n"
                        + "constants: {target_tgid: " + ProcessHandle.current().pid() + "}\n"
                        + "programs:\n  - name: dispatch\n"
                        + "    attach: [{program: dispatcher, tracepoint: syscalls/sys_enter_getppid}]\n"
                        + tailCalls
                        + "metrics:\n  counters:\n"
                        + "    - {name: handled_total, help: h, labels: [{name: by, size: 4, decoders: [{name: uint}]}]}\n",
                null);
    }

    @Test
    void eachSlotDispatchesToItsProgramAndAnEmptyOneFallsThrough() throws Exception {
        ProbeSetConfig config =
                probeSet("tail_calls:\n  - map: dispatch\n    entries: {0: handle_first, 1: handle_second}\n");
        try (ProbeSet set = new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), n -> CollectObserver.IGNORE)
                .load(config)) {
            for (int i = 0; i < 9; i++) TestLibC.getppid();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (MultiCollector c : set.collectors())
                PrometheusTextFormatWriter.create().write(out, c.collect());
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains(
                            "kprom_handled_total{by=\"0\"} 3.0",
                            "kprom_handled_total{by=\"1\"} 3.0",
                            "kprom_handled_total{by=\"99\"} 3.0");
        }
    }

    @Test
    void checkConfigNamesAWrongMapIndexOrProgram() {
        assertThatThrownBy(() -> ProbeSetBinder.check(
                        probeSet("tail_calls:\n  - map: handled_total\n    entries: {0: handle_first}\n"
                                + "  - map: dispatch\n    entries: {7: handle_first, 1: nope}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tail_calls[0].map: map handled_total is a HASH, not a PROG_ARRAY")
                .hasMessageContaining("tail_calls[1].entries: index 7 is past dispatch's 4 entries")
                .hasMessageContaining("tail_calls[1].entries: tailcall_test.bpf.o has no program nope");
    }
}
