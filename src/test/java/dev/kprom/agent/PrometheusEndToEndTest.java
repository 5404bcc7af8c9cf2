package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.LoadedProbes;
import dev.kprom.testing.PrometheusServer;
import dev.kprom.testing.Promtool;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kprom as Prometheus sees it: a real Prometheus server (Debian's) scrapes it every second on loopback. */
@BpfTest
class PrometheusEndToEndTest {
    @Test
    void prometheusScrapesKpromAndSeesExecsRise(@TempDir Path dir) throws Exception {
        try (Daemon kprom =
                Daemon.start(ConfigLoader.load(Path.of("config/kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            try (PrometheusServer prometheus = PrometheusServer.scraping(kprom.address(), dir)) {
                prometheus.await("up{job=\"kprom\"}", v -> v == 1, Duration.ofSeconds(60));
                String comm = "kpe" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
                Path shell = Files.copy(Path.of("/bin/sh"), dir.resolve(comm));
                String series = "kprom_execve_total{comm=\"" + comm + "\"}";
                run(shell, 5);
                prometheus.await(series, v -> v == 5, Duration.ofSeconds(30));
                run(shell, 7);
                assertThat(prometheus.await(series, v -> v > 5, Duration.ofSeconds(30)))
                        .isEqualTo(12);
                prometheus.await("kprom_probe_up{probe=\"execve\"}", v -> v == 1, Duration.ofSeconds(10));
            }
        }
    }

    private static void run(Path shell, int execs) throws Exception {
        Process p = new ProcessBuilder(
                        shell.toString(), "-c", "i=0; while [ $i -lt " + execs + " ]; do /bin/true; i=$((i+1)); done")
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void promtoolFindsNothingToLintInAScrape(@TempDir Path dir) throws Exception {
        try (Daemon kprom =
                Daemon.start(ConfigLoader.load(Path.of("config/kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            new ProcessBuilder("/bin/true").start().waitFor(); // at least one execve series
            String body = Scrape.get(kprom.address(), "/metrics").body();
            assertThat(body).contains("kprom_execve_total{", "kprom_build_info{", "kprom_probe_up{");
            assertThat(Promtool.checkMetrics(body, dir)).isEmpty();
        }
    }

    @Test
    void promtoolFindsNothingToLintWithEveryProbeSetOn(@TempDir Path dir) throws Exception {
        List<String> all;
        try (var files = Files.list(Path.of("config/probes"))) {
            all = files.map(f -> f.getFileName().toString().replaceFirst("\\.yaml$", ""))
                    .sorted()
                    .toList();
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(20);
        Files.writeString(
                dir.resolve("kprom.yaml"),
                "probe_sets: [" + String.join(", ", all) + "]\nevents_path: /events\nwatch_config: false\n");
        try (Daemon kprom =
                Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            // every one attached that this kernel can run; the others reported down, the rest unaffected
            assertThat(kprom.probeSets()).hasSize(all.size() - LoadedProbes.NEED_FENTRY_OR_KPROBES.size());
            new ProcessBuilder("/bin/true").start().waitFor();
            Thread.sleep(500);
            String body = Scrape.get(kprom.address(), "/metrics").body();
            assertThat(Promtool.checkMetrics(body, dir)).isEmpty();
        }
    }
}
