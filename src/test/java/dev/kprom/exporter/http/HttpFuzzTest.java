package dev.kprom.exporter.http;

import static dev.kprom.testing.RawHttp.readToClose;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.LoggerFactory;

/**
 * Random request lines and headers, near-valid and not, sent over a real socket to a server with auth on and
 * every path: each gets a well-formed answer that is not a 500, or the connection closes, within the server's
 * short read and idle timeouts (never a hang), and nothing is logged above INFO (no exception reaching the end of
 * the pipeline, no leaked buffer). The server answers {@code /healthz} after all of them.
 */
class HttpFuzzTest {
    private static final HttpLimits LIMITS =
            new HttpLimits(64, 64, Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofSeconds(1), 4);
    private static MetricsServer server;
    private static final ListAppender<ILoggingEvent> LOGGED = new ListAppender<>();

    @BeforeContainer
    static void start() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder()
                .name("fuzz_total")
                .help("a series to scrape")
                .register(registry)
                .inc();
        // a cost-4 hash keeps the many password checks quick; the path through bcrypt is the same
        BasicAuth auth =
                new BasicAuth(Map.of("u", "$2a$04$" + "abcdefghijklmnopqrstuu" + "0123456789012345678901234567890"));
        server = MetricsServer.builder(registry)
                .events("/events", Map.of())
                .options(new HttpOptions(LIMITS, null, auth))
                .start(new InetSocketAddress("127.0.0.1", 0));
        LOGGED.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(LOGGED);
    }

    @AfterContainer
    static void stop() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(LOGGED);
        server.close();
    }

    @Provide
    Arbitrary<String> requests() {
        Arbitrary<String> token = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12);
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> method = Arbitraries.oneOf(
                Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "get", ""), token);
        Arbitrary<String> path = Arbitraries.oneOf(
                Arbitraries.of("/metrics", "/healthz", "/readyz", "/probes", "/", "/events", "/-/reload", "*"),
                Arbitraries.of("/metrics?name[]=", "/events?probe=x&probe=x", "/metrics?%zz", "//", "/%00")
                        .map(p -> p + ""),
                token.map(t -> "/" + t),
                anything);
        Arbitrary<String> version =
                Arbitraries.oneOf(Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 x", ""), token);
        Arbitrary<String> header = Arbitraries.oneOf(
                Arbitraries.of(
                        "Host: x",
                        "Authorization: Basic dTpw",
                        "Authorization: Basic !!!",
                        "Authorization: Bearer x",
                        "Accept: application/openmetrics-text; version=1.0.0",
                        "Accept: */*;q=x",
                        "Accept-Encoding: gzip",
                        "X-Prometheus-Scrape-Timeout-Seconds: -1",
                        "X-Prometheus-Scrape-Timeout-Seconds: 1e309",
                        "Content-Length: 5",
                        "Content-Length: -1",
                        "Content-Length: 99999999999999999999",
                        "Transfer-Encoding: chunked",
                        "Expect: 100-continue",
                        "Connection: close",
                        " folded: continuation",
                        ": no name",
                        "no colon"),
                Combinators.combine(token, anything).as((n, v) -> n + ": " + v));
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", "\r");
        return Combinators.combine(
                        method,
                        path,
                        version,
                        header.list().ofMaxSize(6),
                        eol,
                        Arbitraries.strings().ofMaxLength(8))
                .as((m, p, v, headers, nl, body) -> m + " " + p + " " + v + nl + String.join(nl, headers)
                        + (headers.isEmpty() ? "" : nl) + nl + body);
    }

    @Property(tries = 200)
    void anyRequestGetsAnAnswerOrAClosedConnectionNeverAHangOrA500(@ForAll("requests") String request)
            throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server.address(), 2000);
            s.setSoTimeout(3000); // well past the 200 ms read and 50 ms idle timeouts
            try {
                s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            } catch (IOException closedWhileSending) {
                return; // refused part-way: a closed connection is an answer
            }
            String answer = readToClose(s.getInputStream());
            assertThat(answer).as("answer to %s", request).doesNotEndWith("<still open>");
            for (String response : answer.split("(?=HTTP/1\\.[01] \\d{3} )")) {
                if (response.isEmpty()) continue;
                assertThat(response).matches("(?s)HTTP/1\\.[01] [1-5]\\d\\d [^\r\n]*\r\n.*");
                assertThat(response.substring(9, 12))
                        .as("answer to %s", request)
                        .isNotEqualTo("500");
            }
        } catch (SocketException reset) {
            // the server reset a connection it gave up on: also an answer
        }
        assertThat(LOGGED.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)))
                .as("logged above INFO")
                .isEmpty();
    }

    @Property(tries = 1)
    void theServerStillAnswersAfterwards() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server.address(), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream()
                    .write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readToClose(s.getInputStream())).startsWith("HTTP/1.1 200 ");
        }
        List<ILoggingEvent> loud = LOGGED.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .toList();
        assertThat(loud).isEmpty();
    }
}
