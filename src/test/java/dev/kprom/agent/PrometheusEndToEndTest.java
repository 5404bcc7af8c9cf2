package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Scrape;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kprom as Prometheus sees it: a real Prometheus server (Debian's) scrapes it every second on loopback. */
@BpfTest
class PrometheusEndToEndTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Polls a PromQL query until the first result's value passes {@code test}; returns that value. */
    private static double await(int port, String query, Predicate<Double> test, Duration timeout) throws Exception {
        URI uri = URI.create(
                "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        String last = "";
        for (long deadline = System.nanoTime() + timeout.toNanos(); System.nanoTime() < deadline; Thread.sleep(250)) {
            try {
                last = HTTP.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                JsonNode result = new ObjectMapper().readTree(last).at("/data/result");
                if (result.size() > 0) {
                    double v = result.get(0).at("/value/1").asDouble();
                    if (test.test(v)) return v;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
        }
        throw new AssertionError("Prometheus never answered " + query + " as expected; last answer: " + last);
    }

    @Test
    void prometheusScrapesKpromAndSeesExecsRise(@TempDir Path dir) throws Exception {
        try (Daemon kprom =
                Daemon.start(ConfigLoader.load(Path.of("config/kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            int port = freePort();
            Files.writeString(
                    dir.resolve("prometheus.yml"),
                    """
                    global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                    scrape_configs:
                      - job_name: kprom
                        static_configs: [{targets: ["127.0.0.1:%d"]}]
                    """
                            .formatted(kprom.address().getPort()));
            Process prometheus = new ProcessBuilder(
                            "prometheus",
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                await(port, "up{job=\"kprom\"}", v -> v == 1, Duration.ofSeconds(60));
                String comm = "kpe" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
                Path shell = Files.copy(Path.of("/bin/sh"), dir.resolve(comm));
                String series = "kprom_execve_total{comm=\"" + comm + "\"}";
                run(shell, 5);
                await(port, series, v -> v == 5, Duration.ofSeconds(30));
                run(shell, 7);
                assertThat(await(port, series, v -> v > 5, Duration.ofSeconds(30)))
                        .isEqualTo(12);
                await(port, "kprom_probe_up{probe=\"execve\"}", v -> v == 1, Duration.ofSeconds(10));
            } finally {
                prometheus.destroy();
                prometheus.waitFor(20, TimeUnit.SECONDS);
                prometheus.destroyForcibly();
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
            Path scrape = Files.writeString(dir.resolve("scrape.txt"), body);
            Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectInput(scrape.toFile())
                    .redirectErrorStream(true)
                    .start();
            String findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(findings).isEmpty();
            assertThat(promtool.exitValue()).isZero();
        }
    }
}
