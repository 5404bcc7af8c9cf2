package dev.kprom.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Debian's Prometheus, run on loopback in a test's directory, scraping one kprom every second as job "kprom". */
public final class PrometheusServer implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process process;
    private final int port;

    private PrometheusServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts scraping {@code kprom}; its data and log stay in {@code dir}. */
    public static PrometheusServer scraping(InetSocketAddress kprom, Path dir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(
                dir.resolve("prometheus.yml"),
                """
                global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: kprom
                    static_configs: [{targets: ["127.0.0.1:%d"]}]
                """
                        .formatted(kprom.getPort()));
        Process p = new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        return new PrometheusServer(p, port);
    }

    /** Null once {@code promql} returns a non-empty result within {@code timeout}; else Prometheus' last answer. */
    public String query(String promql, Duration timeout) throws InterruptedException {
        return poll(promql, result -> result.size() > 0, timeout) != null ? null : lastAnswer;
    }

    /** Polls {@code promql} until its first result's value passes {@code test}; returns that value. */
    public double await(String promql, Predicate<Double> test, Duration timeout) throws InterruptedException {
        JsonNode result = poll(
                promql, r -> r.size() > 0 && test.test(r.get(0).at("/value/1").asDouble()), timeout);
        if (result == null) {
            throw new AssertionError(
                    "Prometheus never answered " + promql + " as expected; last answer: " + lastAnswer);
        }
        return result.get(0).at("/value/1").asDouble();
    }

    private String lastAnswer = "";

    private JsonNode poll(String promql, Predicate<JsonNode> done, Duration timeout) throws InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        for (long deadline = System.nanoTime() + timeout.toNanos(); System.nanoTime() < deadline; Thread.sleep(250)) {
            try {
                lastAnswer = HTTP.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                JsonNode json = new ObjectMapper().readTree(lastAnswer);
                if (json.path("status").asText().equals("error")) return null; // a bad query: no point waiting
                JsonNode result = json.at("/data/result");
                if (done.test(result)) return result;
            } catch (IOException notYet) {
                lastAnswer = notYet.toString();
            }
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
        process.destroyForcibly();
    }
}
