package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.Daemon;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Promtool;
import dev.kprom.testing.Scrape;
import dev.kprom.testing.TestDaemons;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Histogram sums from a real BPF program: the n-th getppid() call observes n, for n = 1..20, in two exp2
 * histograms (buckets 0..4, so 17..20 fall past the last bucket): one keeps the sum in the slot past max
 * (ebpf_exporter's convention), one in a {count, sum} value, one in a per-CPU map of its own keyed by the labels. Both give exact buckets, _count 20 and _sum 210, with
 * nothing of the sum leaking into +Inf, in text and in OpenMetrics, and promtool finds nothing to report.
 */
@BpfTest
class HistogramSumTest {
    @Test
    void sumsInTheSlotPastMaxAndInAValueFieldAreExact(@TempDir Path dir) throws Exception {
        String probeSet =
                """
                object: %s
                constants: {target_tgid: %d}
                programs:
                  - name: getppid
                    attach:
                      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}
                metrics:
                  histograms:
                    - name: past_max_seconds
                      help: n, observed at the n-th call; the sum in the slot past max.
                      buckets: {type: exp2, min: 0, max: 4}
                      sum: {slot: past_max}
                      labels:
                        - {name: kind, size: 4, decoders: [{name: uint}]}
                        - {name: bucket, size: 4}
                    - name: struct_sum_seconds
                      help: n, observed at the n-th call; the sum in each bucket's value.
                      buckets: {type: exp2, min: 0, max: 4}
                      value: {field: count}
                      sum: {field: sum}
                      labels:
                        - {name: bucket, size: 4}
                    - name: map_sum_seconds
                      help: n, observed at the n-th call; the sum in a per-CPU map by kind.
                      buckets: {type: exp2, min: 0, max: 4}
                      sum: {map: map_sum_seconds_sum}
                      labels:
                        - {name: kind, decoders: [{name: uint}]}
                        - {name: bucket}
                """
                        .formatted(
                                TestObjects.path("hist_test.bpf.o"),
                                ProcessHandle.current().pid());
        try (Daemon d = TestDaemons.withProbeSet(dir, "hist", probeSet)) {
            for (int i = 0; i < 20; i++) TestLibC.getppid();
            String text = Scrape.get(d.address(), "/metrics").body();
            assertThat(text)
                    .contains(
                            """
                            kprom_past_max_seconds_bucket{kind="7",le="1.0"} 1
                            kprom_past_max_seconds_bucket{kind="7",le="2.0"} 2
                            kprom_past_max_seconds_bucket{kind="7",le="4.0"} 4
                            kprom_past_max_seconds_bucket{kind="7",le="8.0"} 8
                            kprom_past_max_seconds_bucket{kind="7",le="16.0"} 16
                            kprom_past_max_seconds_bucket{kind="7",le="+Inf"} 20
                            kprom_past_max_seconds_count{kind="7"} 20
                            kprom_past_max_seconds_sum{kind="7"} 210.0
                            """,
                            """
                            kprom_struct_sum_seconds_bucket{le="16.0"} 16
                            kprom_struct_sum_seconds_bucket{le="+Inf"} 20
                            kprom_struct_sum_seconds_count 20
                            kprom_struct_sum_seconds_sum 210.0
                            """,
                            """
                            kprom_map_sum_seconds_bucket{kind="7",le="16.0"} 16
                            kprom_map_sum_seconds_bucket{kind="7",le="+Inf"} 20
                            kprom_map_sum_seconds_count{kind="7"} 20
                            kprom_map_sum_seconds_sum{kind="7"} 210.0
                            """);

            String om = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + d.address().getPort() + "/metrics"))
                                    .header("Accept", "application/openmetrics-text; version=1.0.0")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(om)
                    .contains(
                            "kprom_past_max_seconds_count{kind=\"7\"} 20\nkprom_past_max_seconds_sum{kind=\"7\"} 210.0\n",
                            "kprom_struct_sum_seconds_count 20\nkprom_struct_sum_seconds_sum 210.0\n");

            assertThat(Promtool.checkMetrics(text, dir)).isEmpty();
        }
    }

    private static ProbeSetConfig sumMapNamed(String map) {
        return ConfigLoader.parseProbeSet(
                "hist",
                "hist.yaml",
                """
                object: %s
                programs:
                  - name: getppid
                    attach:
                      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}
                metrics:
                  histograms:
                    - name: map_sum_seconds
                      help: h
                      buckets: {type: exp2, min: 0, max: 4}
                      sum: {map: %s}
                      labels:
                        - {name: kind, decoders: [{name: uint}]}
                        - {name: bucket}
                """
                        .formatted(TestObjects.path("hist_test.bpf.o"), map),
                null);
    }

    @Test
    void aSumMapThatIsMissingOrKeyedOtherwiseIsNamed() {
        assertThatThrownBy(() -> loader().load(sumMapNamed("no_such_sums")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "hist.yaml:11:13: metrics.histograms[0].sum.map: no map \"no_such_sums\" to read the sums from");
        assertThatThrownBy(() -> loader().load(sumMapNamed("struct_sum_seconds"))) // {count, sum} values
                .isInstanceOf(ConfigException.class)
                .hasMessage("hist.yaml:11:13: metrics.histograms[0].sum.map: map struct_sum_seconds values are 16"
                        + " bytes: a sum is one integer of 1 to 8 bytes");
    }
}
