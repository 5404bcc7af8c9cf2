package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Scrape;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kprom as its own process: SIGTERM closes HTTP, detaches and unloads; the kernel then lists none of its programs. */
@BpfTest
class ShutdownTest {
    private static final Pattern SERVING = Pattern.compile("serving /metrics on http://127\\.0\\.0\\.1:(\\d+)");

    /** Starts kprom with its output in {@code log} (a pipe would be closed by Process.destroy, losing the end). */
    private static Process kprom(Path config, Path log) throws IOException {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @Test
    void sigtermLeavesNoProgramLoaded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [execve]\n");
        Path log = dir.resolve("kprom.log");
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        Process kprom = kprom(dir.resolve("kprom.yaml"), log);
        try {
            int port = -1;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    port < 0 && System.nanoTime() < deadline; ) {
                Matcher m = SERVING.matcher(Files.readString(log));
                if (m.find()) port = Integer.parseInt(m.group(1));
                else Thread.sleep(50);
                assertThat(kprom.isAlive())
                        .as("kprom exited early:\n%s", Files.readString(log))
                        .isTrue();
            }
            assertThat(port)
                    .as("kprom did not start serving:\n%s", Files.readString(log))
                    .isPositive();

            Set<Integer> during = new HashSet<>(BpfPrograms.idsNamed("tp_execve"));
            during.removeAll(before);
            assertThat(during).as("kprom's program while running").hasSize(1);
            // an open keep-alive connection must not hold up shutdown
            assertThat(Scrape.get(new InetSocketAddress("127.0.0.1", port), "/metrics")
                            .statusCode())
                    .isEqualTo(200);

            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(kprom.pid()))
                            .start()
                            .waitFor())
                    .isZero();
            assertThat(kprom.waitFor(30, TimeUnit.SECONDS))
                    .as("kprom still running 30 s after SIGTERM")
                    .isTrue();
            assertThat(Files.readString(log))
                    .contains("kprom stopping", "kprom stopped: HTTP closed, 1 probe set(s) detached and unloaded");
            assertThat(BpfPrograms.idsNamed("tp_execve")).doesNotContainAnyElementsOf(during);
        } finally {
            kprom.destroyForcibly();
        }
    }

    @Test
    void anInvalidConfigExitsWithCode2BeforeTouchingTheKernel(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_set: [execve]\n");
        Path log = dir.resolve("kprom.log");
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        Process kprom = kprom(dir.resolve("kprom.yaml"), log);
        assertThat(kprom.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kprom.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains(
                        "kprom: invalid configuration:\n"
                                + dir.resolve("kprom.yaml") + ":1:1: probe_sets: at least one probe set is required\n"
                                + dir.resolve("kprom.yaml")
                                + ":2:1: probe_set: unknown key (known keys: disable_attach, events_path, listen, log_level, probe_sets, probes_dir, web_config_file)\n")
                .doesNotContain("serving /metrics", "Tracefs");
        assertThat(BpfPrograms.idsNamed("tp_execve")).isEqualTo(before);
    }
}
