package dev.kprom.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A hash of maps: the outer key (parity) and the inner key (thread id) both become labels. */
@BpfTest
class MapOfMapsTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                // from BTF: a scalar outer key is named outer_key, the inner struct's fields keep their names
                "        - {name: parity, field: outer_key, decoders: [{name: uint}]}\n        - {name: tid, decoders: [{name: uint}]}",
                // explicit sizes: outer key first, then inner key
                "        - {name: parity, size: 4, decoders: [{name: uint}]}\n        - {name: tid, size: 4, decoders: [{name: uint}]}"
            })
    void outerAndInnerKeysBecomeLabels(String labels) throws Exception {
        String yaml = "object: " + TestObjects.path("map_of_maps_test.bpf.o") + "\n"
                + """
                programs:
                  - name: getppid
                    attach: [{program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}]
                metrics:
                  counters:
                    - name: calls_by_parity_total
                      map: calls_by_parity
                      help: getppid() calls by thread id, kept in one inner map per parity.
                      labels:
                """
                + labels + "\n";
        ProbeSetLoader loader =
                new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), name -> CollectObserver.IGNORE);
        try (ProbeSet set = loader.load(ConfigLoader.parseProbeSet("mom", "mom.yaml", yaml, null))) {
            int tid = TestLibC.gettid();
            int n = 777;
            for (int i = 0; i < n; i++) TestLibC.getppid();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (MultiCollector c : set.collectors())
                PrometheusTextFormatWriter.create().write(out, c.collect());
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("kprom_calls_by_parity_total{parity=\"" + (tid & 1) + "\",tid=\"" + tid + "\"} " + n
                            + ".0\n");
        }
    }
}
