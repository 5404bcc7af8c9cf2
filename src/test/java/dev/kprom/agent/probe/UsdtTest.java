package dev.kprom.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestObjects;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The usdt attach kind on a test program with a {@code <sys/sdt.h>} probe: exact hits and argument sums. */
@BpfTest
class UsdtTest {
    private static final Path TARGET = Path.of("target/test-bin/usdt_target").toAbsolutePath();

    @Test
    void aUsdtProbeCountsExactHitsAndReadsItsArgument() throws Exception {
        assertThat(TARGET)
                .as("built by make probes with <sys/sdt.h> (make test-deps)")
                .exists();
        Process p = new ProcessBuilder(TARGET.toString(), "12").start();
        String yaml = "object: " + TestObjects.path("usdt_test.bpf.o") + "\n"
                + "programs:\n  - name: tick\n    attach: [{program: usdt_tick, usdt: {binary: " + TARGET
                + ", provider: kprom, name: tick, pid: " + p.pid() + "}}]\n"
                + "metrics:\n  counters:\n"
                + "    - {name: ticks_total, help: h, labels: [{name: slot, size: 4, decoders: [{name: uint}]}]}\n"
                + "    - {name: tick_args_total, help: h, labels: [{name: slot, size: 4, decoders: [{name: uint}]}]}\n";
        try (ProbeSet set = new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), n -> CollectObserver.IGNORE)
                .load(ConfigLoader.parseProbeSet("usdt", "usdt.yaml", yaml, null))) {
            assertThat(set.choices().get(0).chosen().kind().yamlName()).isEqualTo("usdt");
            OutputStream in = p.getOutputStream();
            in.write('\n');
            in.flush();
            assertThat(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("12");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (MultiCollector c : set.collectors())
                PrometheusTextFormatWriter.create().write(out, c.collect());
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("kprom_ticks_total{slot=\"0\"} 12.0", "kprom_tick_args_total{slot=\"0\"} 66.0"); // 0..11
            in.write('\n');
            in.flush();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }
}
