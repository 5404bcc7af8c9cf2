package dev.kprom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.Daemon;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.PrometheusServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the Grafana dashboard, run against a real Prometheus (Debian's) that scrapes a kprom running every
 * built-in probe set, after the kernel was made to do what each probe set watches (an exec, connect() calls, an OOM
 * kill, SYN retransmissions, block I/O on a loop device): each returns data, so a typo or a renamed metric fails
 * here. Template variables take what Grafana would ("All" is .*); the dashboard's structure is checked too.
 */
@BpfTest
class DashboardQueriesTest {
    static final Path DASHBOARD = Path.of("helm/kprom/files/kprom-dashboard.json");
    private static final List<String> BUILT_INS = List.of(
            "execve", "connect", "syscalls", "oomkill", "tcp_retransmits", "runqueue_latency", "block_io_latency");

    /** Each target's expression, keyed by panel title and refId. */
    static Map<String, String> queries(JsonNode dashboard) {
        Map<String, String> all = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                all.put(
                        panel.path("title").asText() + " [" + t.path("refId").asText() + "]",
                        t.path("expr").asText());
            }
        }
        return all;
    }

    @Test
    void theDashboardIsWellFormed() throws Exception {
        JsonNode d = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(d.path("uid").asText()).isEqualTo("kprom-overview");
        assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        List<String> variables = new ArrayList<>();
        d.path("templating")
                .path("list")
                .forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "instance", "probe");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : d.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id").isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
            if (panel.path("type").asText().equals("row")) continue;
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            assertThat(panel.path("description").asText())
                    .as("what %s shows", panel.path("title"))
                    .isNotBlank();
        }
        assertThat(queries(d)).hasSizeGreaterThan(25);
        assertThat(String.join("\n", queries(d).values()))
                .as("every built-in probe set has a panel")
                .contains(
                        "kprom_execve_total",
                        "kprom_connect_total",
                        "kprom_connect_results_total",
                        "kprom_connect_duration_seconds_bucket",
                        "kprom_syscalls_total",
                        "kprom_oom_kills_total",
                        "kprom_tcp_retransmits_total",
                        "kprom_runqueue_latency_seconds_bucket",
                        "kprom_block_io_latency_seconds_bucket");
    }

    @Test
    void everyQueryReturnsDataFromARealPrometheusScrapingEveryProbeSet(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("kprom.yaml"), "probe_sets: [" + String.join(", ", BUILT_INS) + "]\nwatch_config: false\n");
        try (Daemon kprom = Daemon.start(
                        ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0));
                KernelEvents.LoopDevice loop = new KernelEvents.LoopDevice(dir)) {
            try (PrometheusServer prometheus = PrometheusServer.scraping(kprom.address(), dir)) {
                assertThat(prometheus.query("up{job=\"kprom\"} == 1", Duration.ofSeconds(60)))
                        .isNull();
                Thread.sleep(2000); // a first sample of every series, before the events
                String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
                new ProcessBuilder("/bin/true").start().waitFor();
                for (int i = 0; i < 20; i++) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", 9), 1000); // refused: one connect() each
                    } catch (IOException refused) {
                        // the point
                    }
                }
                loop.read(100);
                KernelEvents.oomKill(dir, "kpd" + suffix);
                KernelEvents.synRetransmits(
                        "10.201.8.2", 40000 + ThreadLocalRandom.current().nextInt(20000));
                loop.read(100);
                Thread.sleep(3000); // a few scrapes after the events: rates over two samples
                Map<String, String> failed = new LinkedHashMap<>();
                for (Map.Entry<String, String> q :
                        queries(new ObjectMapper().readTree(DASHBOARD.toFile())).entrySet()) {
                    String promql = q.getValue()
                            .replace("$instance", ".*")
                            .replace("$probe", ".*")
                            .replace("$__rate_interval", "1m")
                            .replace("$__range", "5m");
                    String answer = prometheus.query(promql, Duration.ofSeconds(15));
                    if (answer != null) failed.put(q.getKey(), promql + "\n  -> " + answer);
                }
                assertThat(failed).as("dashboard queries without data").isEmpty();
            }
        }
    }
}
