package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KpromProcess;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kprom as its own process: SIGTERM closes HTTP, detaches and unloads; the kernel then lists none of its programs. */
@BpfTest
class ShutdownTest {
    @Test
    void sigtermLeavesNoProgramLoaded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [execve]\n");
        Path log = dir.resolve("kprom.log");
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        try (KpromProcess kprom = KpromProcess.start(dir.resolve("kprom.yaml"), log)) {
            int port = kprom.address().getPort();

            Set<Integer> during = new HashSet<>(BpfPrograms.idsNamed("tp_execve"));
            during.removeAll(before);
            assertThat(during).as("kprom's program while running").hasSize(1);
            // an open keep-alive connection must not hold up shutdown
            assertThat(Scrape.get(new InetSocketAddress("127.0.0.1", port), "/metrics")
                            .statusCode())
                    .isEqualTo(200);

            kprom.signal("TERM");
            assertThat(kprom.process.waitFor(30, TimeUnit.SECONDS))
                    .as("kprom still running 30 s after SIGTERM")
                    .isTrue();
            assertThat(Files.readString(log))
                    .contains("kprom stopping", "kprom stopped: HTTP closed, 1 probe set(s) detached and unloaded");
            assertThat(BpfPrograms.idsNamed("tp_execve")).doesNotContainAnyElementsOf(during);
        }
    }

    @Test
    void anInvalidConfigExitsWithCode2BeforeTouchingTheKernel(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_set: [execve]\n");
        Path log = dir.resolve("kprom.log");
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        Process kprom = KpromProcess.start(dir.resolve("kprom.yaml"), log).process;
        assertThat(kprom.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kprom.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains(
                        "kprom: invalid configuration:\n"
                                + dir.resolve("kprom.yaml") + ":1:1: probe_sets: at least one probe set is required\n"
                                + dir.resolve("kprom.yaml")
                                + ":2:1: probe_set: unknown key (known keys: btf_path, disable_attach, enable_lifecycle, events_path, events_unauthenticated, kubernetes, listen, log_level, pin_dir, pin_maps, probe_sets, probes_dir, watch_config, web_config_file)\n")
                .doesNotContain("serving /metrics", "Tracefs");
        assertThat(BpfPrograms.idsNamed("tp_execve")).isEqualTo(before);
    }
}
