package dev.kprom.agent;

import static dev.kprom.testing.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Cli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@code kprom trace}: real connect() calls printed as JSON lines, then everything detached. */
@BpfTest
class TraceCommandTest {
    @Test
    void printsEachConnectAsAJsonLineAndStopsAfterCount() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Thread acceptor = new Thread(
                    () -> { // keep the accept queue empty, however many connects it takes
                        while (!server.isClosed()) {
                            try {
                                server.accept().close();
                            } catch (IOException closed) {
                                return;
                            }
                        }
                    });
            acceptor.setDaemon(true);
            acceptor.start();
            CompletableFuture<Cli.Run> trace =
                    CompletableFuture.supplyAsync(() -> run("trace", "connect", "--count", "3"));
            // connect until the tracer has printed 3 records: it may attach after the first calls
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!trace.isDone() && System.nanoTime() < deadline) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port));
                }
                Thread.sleep(50);
            }
            Cli.Run r = trace.get();
            assertThat(r.code()).as(r.err()).isZero();
            String[] lines = r.out().split("\n");
            assertThat(lines).hasSize(3);
            ObjectMapper json = new ObjectMapper();
            for (String line : lines) {
                JsonNode record = json.readTree(line);
                assertThat(record.path("map").asText()).isEqualTo("connect_events");
                assertThat(record.path("pid").isNumber()).isTrue();
                assertThat(record.path("duration_ns").asLong()).isPositive();
                if (record.path("dport").asText().equals(Integer.toString(port))) {
                    assertThat(record.path("daddr").asText()).isEqualTo("127.0.0.1");
                    assertThat(record.path("ret").asText()).isEqualTo("0");
                }
            }
        }
        assertThat(BpfPrograms.idsNamed("tp_connect_enter")).isEmpty();
    }

    @Test
    void aProbeSetWithoutEventsIsRefusedBeforeLoadingAnything() {
        Cli.Run r = run("trace", "execve");
        assertThat(r.code()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err())
                .isEqualTo("kprom trace: probe set execve ("
                        + Path.of("config/probes/execve.yaml").toAbsolutePath()
                        + ") has no events to trace\n");
    }
}
