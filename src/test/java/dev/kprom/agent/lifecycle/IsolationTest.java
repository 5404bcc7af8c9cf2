package dev.kprom.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.Daemon;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.probe.ProbeSetException;
import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probe sets fail alone: one that cannot attach is reported and retried while the others serve; required ones still stop the start. */
@BpfTest
class IsolationTest {
    /** A probe set on a tracepoint no kernel has: valid YAML, a valid object, nothing to attach to. */
    private static final String GHOST =
            """
            object: execve.bpf.o
            %s
            programs:
              - name: execve
                attach:
                  - {program: tp_execve, tracepoint: syscalls/sys_enter_kprom_nonexistent}
            metrics:
              counters:
                - name: ghost_total
                  map: execve_total
                  help: never attached.
                  labels:
                    - {name: uid, decoders: [{name: uint}]}
                    - {name: comm, decoders: [{name: string}]}
            """;

    private static Path config(Path dir, String required) throws Exception {
        Files.createDirectories(dir.resolve("probes"));
        Files.writeString(dir.resolve("probes/ghost.yaml"), GHOST.formatted(required));
        Files.writeString(
                dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [execve, ghost]\nwatch_config: false\n");
        return dir.resolve("kprom.yaml");
    }

    @Test
    void aProbeSetThatCannotAttachIsDownAndRetriedWhileTheOthersServe(@TempDir Path dir) throws Exception {
        try (Daemon d = Daemon.start(ConfigLoader.load(config(dir, "")), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(d.probeSets()).extracting(p -> p.name()).containsExactly("execve");
            assertThat(Scrape.get(d.address(), "/readyz").statusCode()).isEqualTo(200); // ghost is optional
            String body = Scrape.get(d.address(), "/metrics").body();
            assertThat(Scrape.value(body, "kprom_probe_up{probe=\"execve\"}")).isEqualTo(1);
            assertThat(body).contains("kprom_probe_up{probe=\"ghost\"} 0.0");

            JsonNode ghost = null;
            for (JsonNode p : new ObjectMapper()
                    .readTree(Scrape.get(d.address(), "/probes").body())) {
                if (p.path("name").asText().equals("ghost")) ghost = p;
            }
            assertThat(ghost).isNotNull();
            assertThat(ghost.path("up").asBoolean()).isFalse();
            assertThat(ghost.path("error").asText())
                    .contains(
                            "probe set ghost",
                            "no attach alternative works on this kernel",
                            "sys_enter_kprom_nonexistent");

            // retried with a backoff of 1 s, then 2 s: at least two more attempts within 5 s
            Thread.sleep(TimeUnit.SECONDS.toMillis(5));
            double failures = Scrape.value(
                    Scrape.get(d.address(), "/metrics").body(),
                    "kprom_probe_failures_total{probe=\"ghost\",reason=\"attach\"}");
            assertThat(failures).isBetween(3.0, 4.0);
        }
    }

    @Test
    void aRequiredProbeSetThatCannotAttachStillStopsTheStartCleanly(@TempDir Path dir) throws Exception {
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        assertThatThrownBy(() -> Daemon.start(
                        ConfigLoader.load(config(dir, "required: true")), new InetSocketAddress("127.0.0.1", 0)))
                .isInstanceOf(ProbeSetException.class)
                .hasMessageContaining("probe set ghost")
                .hasMessageContaining("(the probe set is required)");
        assertThat(BpfPrograms.idsNamed("tp_execve")).isEqualTo(before); // execve came up first and is gone again
    }
}
