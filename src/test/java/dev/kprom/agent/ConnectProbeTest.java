package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.events.RecordHandler;
import dev.kprom.exporter.events.RecordJson;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Scrape;
import dev.kprom.testing.TestLibC;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connect probe set end to end: real connect() calls to a loopback port, their records and their metrics. */
@BpfTest
class ConnectProbeTest {
    private static final String COMM = "kprom-conn-test";

    /** Every record of the stream, as {@code kprom trace} shows it. */
    static final class Recorder implements RecordHandler {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final RecordJson json;
        private final List<Map<String, String>> records = new ArrayList<>();

        Recorder(EventStream stream) {
            this.json = new RecordJson(stream);
        }

        @Override
        public synchronized void record(int ring, ByteBuffer buf, int offset, int length) {
            try {
                Map<String, String> fields = new HashMap<>();
                JSON.readTree(json.format(ring, buf, offset, length))
                        .fields()
                        .forEachRemaining(
                                f -> fields.put(f.getKey(), f.getValue().asText()));
                records.add(fields);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized List<Map<String, String>> mine(int port) {
            return records.stream()
                    .filter(r -> r.get("comm").equals(COMM) && r.get("dport").equals(Integer.toString(port)))
                    .toList();
        }
    }

    /** {@code n} blocking connect() calls to 127.0.0.1:{@code port} from a thread whose comm is {@link #COMM}. */
    private static void connectFromDistinctiveThread(int port, int n) throws InterruptedException {
        Thread client = new Thread(() -> {
            TestLibC.prctl(TestLibC.PR_SET_NAME, COMM, 0, 0, 0);
            for (int i = 0; i < n; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        client.start();
        client.join();
    }

    @Test
    void everyConnectToALoopbackPortIsOneRecordAndCountsOnce(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [connect]\n");
        int n = 25;
        try (ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
                Daemon daemon = Daemon.start(
                        ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            ProbeSet set = daemon.probeSets().get(0);
            assertThat(set.choices())
                    .extracting(c -> c.chosen().program())
                    .containsExactly("tp_connect_enter", "tp_connect_exit");
            EventStream stream = set.events().get(0).stream();
            Recorder recorder = new Recorder(stream);
            stream.addListener(recorder);
            int port = server.getLocalPort();
            connectFromDistinctiveThread(port, n);
            // Java's sockets are dual-stack unless java.net.preferIPv4Stack: 127.0.0.1 goes out as ::ffff:127.0.0.1
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && recorder.mine(port).size() < n) Thread.sleep(10);
            List<Map<String, String>> mine = recorder.mine(port);
            assertThat(mine).hasSize(n);
            String family = mine.get(0).get("family");
            assertThat(family).isIn("ipv4", "ipv6");
            assertThat(mine).allSatisfy(r -> {
                assertThat(r)
                        .containsEntry("daddr", "127.0.0.1")
                        .containsEntry("family", family)
                        .containsEntry("ret", "0");
                assertThat(r.get("pid"))
                        .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            });
            String series = "kprom_connect_total{comm=\"" + COMM + "\",daddr=\"127.0.0.1\",dport=\"" + port
                    + "\",family=\"" + family + "\"}";
            String body = Scrape.get(daemon.address(), "/metrics").body();
            assertThat(Scrape.value(body, series)).isEqualTo(n);
            assertThat(Scrape.value(body, "kprom_connect_results_total{family=\"" + family + "\",result=\"0\"}"))
                    .isGreaterThanOrEqualTo(n);
            assertThat(Scrape.value(body, "kprom_connect_duration_seconds_count{family=\"" + family + "\"}"))
                    .isGreaterThanOrEqualTo(n);
            assertThat(Scrape.value(
                            body, "kprom_events_lost_total{cpu=\"0\",map=\"connect_events\",probe=\"connect\"}"))
                    .isZero();
            double received = 0;
            for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++) {
                received += Scrape.value(
                        body,
                        "kprom_events_received_total{cpu=\"" + cpu + "\",map=\"connect_events\",probe=\"connect\"}");
            }
            assertThat(received).isGreaterThanOrEqualTo(n);
            assertThat(Scrape.value(body, "kprom_event_decode_errors_total{map=\"connect_events\",probe=\"connect\"}"))
                    .isZero();
        }
    }

    @Test
    void aRefusedConnectIsRecordedWithItsErrno(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [connect]\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed below: nothing listens there any more
        }
        try (Daemon daemon =
                Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            EventStream stream = daemon.probeSets().get(0).events().get(0).stream();
            Recorder recorder = new Recorder(stream);
            stream.addListener(recorder);
            int p = port;
            Thread client = new Thread(() -> {
                TestLibC.prctl(TestLibC.PR_SET_NAME, COMM, 0, 0, 0);
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", p));
                } catch (IOException expected) {
                    // Connection refused
                }
            });
            client.start();
            client.join();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && recorder.mine(port).isEmpty()) Thread.sleep(10);
            assertThat(recorder.mine(port)).singleElement().satisfies(r -> assertThat(r)
                    .containsEntry("ret", "ECONNREFUSED"));
        }
    }

    @Test
    void theEventPathStreamsRecordsAsNdjsonWhileTheClientStays(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("kprom.yaml"),
                "listen: 127.0.0.1:0\nprobe_sets: [execve, connect]\nevents_path: /events\n");
        try (ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
                Daemon daemon = Daemon.start(
                        ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            int port = server.getLocalPort();
            assertThat(Scrape.get(daemon.address(), "/events?probe=execve").statusCode())
                    .isEqualTo(404);
            assertThat(Scrape.get(daemon.address(), "/").body())
                    .contains("<a href=\"/events\">Live events (NDJSON)</a>");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> response = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + daemon.address().getPort() + "/events?probe=connect"))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
            int n = 5;
            connectFromDistinctiveThread(port, n);
            ObjectMapper json = new ObjectMapper();
            List<com.fasterxml.jackson.databind.JsonNode> mine = response.body()
                    .filter(line -> !line.isBlank())
                    .map(line -> {
                        try {
                            return json.readTree(line);
                        } catch (IOException e) {
                            throw new IllegalStateException(line, e);
                        }
                    })
                    .filter(r -> r.path("comm").asText().equals(COMM)
                            && r.path("dport").asText().equals(Integer.toString(port)))
                    .limit(n)
                    .toList();
            assertThat(mine).hasSize(n).allSatisfy(r -> {
                assertThat(r.path("map").asText()).isEqualTo("connect_events");
                assertThat(r.path("daddr").asText()).isEqualTo("127.0.0.1");
            });
            response.body().close(); // the client leaves: the daemon stops following for it
        }
    }
}
