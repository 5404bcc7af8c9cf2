package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestObjects;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * uprobe and uretprobe attach kinds on a small test program (target/test-bin/uprobe_target): exact calls and
 * return values, one process only when a pid is given, and clear reasons when the binary or symbol is missing.
 */
@BpfTest
public class UprobeTest {
    public static final Path TARGET = Path.of("target/test-bin/uprobe_target").toAbsolutePath();

    /** A probe set counting entries to and returns from {@code symbol} of {@code binary} (of {@code pid} only, if set). */
    public static ProbeSetConfig probeSet(String binary, String symbol, Long pid) {
        String target = "{binary: " + binary + ", symbol: " + symbol + (pid != null ? ", pid: " + pid : "") + "}";
        return ConfigLoader.parseProbeSet(
                "uprobe",
                "uprobe.yaml",
                "object: " + TestObjects.path("uprobe_test.bpf.o") + "\n"
                        + "programs:\n"
                        + "  - name: entry\n    attach: [{program: uprobe_target, uprobe: " + target + "}]\n"
                        + "  - name: exit\n    attach: [{program: uretprobe_target, uretprobe: " + target + "}]\n"
                        + "metrics:\n  counters:\n"
                        + "    - {name: calls_total, help: h, labels: [{name: where, size: 4, padding: 4, decoders:"
                        + " [{name: uint}, {name: static_map, map: {'0': entry, '1': return}}]}]}\n"
                        + "    - {name: returned_total, help: h, labels: [{name: where, size: 4, padding: 4, decoders:"
                        + " [{name: uint}, {name: static_map, map: {'0': entry, '1': return}}]}]}\n",
                null);
    }

    /** The test program, started and waiting for a line before it makes {@code calls} calls. */
    public static Process target(int calls) throws Exception {
        return new ProcessBuilder(TARGET.toString(), Integer.toString(calls)).start();
    }

    /** Lets {@code p} make its calls; returns the sum it printed once done. */
    public static long run(Process p) throws Exception {
        OutputStream in = p.getOutputStream();
        in.write('\n');
        in.flush();
        String sum = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        in.write('\n');
        in.flush();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Long.parseLong(sum);
    }

    @Test
    void entryAndReturnAreCountedExactlyWithTheReturnedValues() throws Exception {
        try (ProbeSet set = loader().load(probeSet(TARGET.toString(), "kprom_target", null))) {
            assertThat(set.choices())
                    .extracting(c -> c.chosen().kind().yamlName())
                    .containsExactly("uprobe", "uretprobe");
            long sum = run(target(10));
            assertThat(sum).isEqualTo(90); // 2 * (0 + 1 + ... + 9)
            String text = scrape(set);
            assertThat(text)
                    .contains(
                            "kprom_calls_total{where=\"entry\"} 10.0",
                            "kprom_calls_total{where=\"return\"} 10.0",
                            "kprom_returned_total{where=\"return\"} 90.0");
        }
    }

    @Test
    void aPidLimitsTheProbeToThatProcess() throws Exception {
        Process mine = target(7);
        Process other = target(5);
        try (ProbeSet set = loader().load(probeSet(TARGET.toString(), "kprom_target", mine.pid()))) {
            run(other);
            run(mine);
            assertThat(scrape(set)).contains("kprom_calls_total{where=\"entry\"} 7.0");
        } finally {
            mine.destroyForcibly();
            other.destroyForcibly();
        }
    }

    @Test
    void aMissingBinaryOrSymbolIsAClearReason() {
        assertThatThrownBy(() -> loader().load(probeSet("/nonexistent/prog", "kprom_target", null)))
                .hasMessageContaining("uprobe /nonexistent/prog:kprom_target (program uprobe_target): binary"
                        + " /nonexistent/prog does not exist");
        assertThatThrownBy(() -> loader().load(probeSet(TARGET.toString(), "kprom_no_such_function", null)))
                .hasMessageContaining("kprom_no_such_function")
                .hasMessageContaining("ENOENT");
    }
}
