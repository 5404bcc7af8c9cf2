package dev.kprom.exporter.http;

import static dev.kprom.testing.RawHttp.readToClose;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each limit against a real server on loopback, with raw sockets (bounded: a few connections, seconds at most). */
class HttpLimitsTest {
    private static final HttpLimits LIMITS = new HttpLimits(3, Duration.ofMillis(400), Duration.ofMillis(800));
    private MetricsServer server;

    @BeforeEach
    void start() throws Exception {
        server = MetricsServer.builder(new PrometheusRegistry())
                .options(new HttpOptions(LIMITS, null, null))
                .start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(server.address(), 2000);
        s.setSoTimeout(3000);
        return s;
    }

    /** Sends raw bytes, reads until the server closes (or 3 s pass), returns what came back. */
    private String exchange(String request) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readToClose(s.getInputStream());
        }
    }

    @Test
    void aTooLongRequestLineIs414() throws IOException {
        String r = exchange("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 414 ").doesNotContain("<still open>");
    }

    @Test
    void tooLargeHeadersAre431() throws IOException {
        String r = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 431 ").doesNotContain("<still open>");
    }

    @Test
    void aBodyTooLargeIs413() throws IOException {
        String r = exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "c".repeat(9000));
        assertThat(r).startsWith("HTTP/1.1 413 ");
    }

    @Test
    void aClientThatStopsMidRequestIsCutOffAfterTheReadTimeout() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            long t0 = System.nanoTime();
            assertThat(readToClose(s.getInputStream())).isEmpty(); // closed, not answered, not left open
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .isBetween(Duration.ofMillis(300), Duration.ofMillis(2500));
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeoutButServedBefore() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String r = readToClose(s.getInputStream());
            // served once (keep-alive), then closed by the idle timeout rather than held open
            assertThat(r).startsWith("HTTP/1.1 200 ").contains("ok\n").doesNotContain("<still open>");
        }
    }

    @Test
    void aConnectionOverTheCapTakesThePlaceOfTheOneWaitingLongest() throws Exception {
        try (Socket a = connect();
                Socket b = connect();
                Socket c = connect()) {
            Thread.sleep(50);
            try (Socket d = connect()) {
                // the first, silent longest, is closed at once: reading gives end of stream, not a timeout
                assertThat(a.getInputStream().read()).isEqualTo(-1);
                d.getOutputStream()
                        .write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(readToClose(d.getInputStream())).startsWith("HTTP/1.1 200 ");
            }
        }
    }
}
