package dev.kprom.exporter.http;

import static dev.kprom.testing.Specs.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.layout.LayoutBinder;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.spec.MetricKind;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.exporter.status.MapStatus;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.exporter.status.StatusSource;
import dev.kprom.testing.FakeMap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing and negotiation, on Netty's EmbeddedChannel. */
class RouterTest {
    private EmbeddedChannel channel;
    private final boolean[] ready = {true};
    /** A map metric, which the text formats write from its series table and the others from its snapshot. */
    private final FakeMap map = FakeMap.execve(1).put(0, "bash", 7).put(1000, "ma\"ke", 2);

    @BeforeEach
    void setUp() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder()
                .name("kprom_demo_total")
                .help("demo")
                .register(registry)
                .inc(3);
        MetricSpec spec = metric("execve_total")
                .help("execve() calls.")
                .label("uid", 4, "uint")
                .label("comm", 16, "string")
                .build();
        List<LayoutError> errors = new ArrayList<>();
        MapMetricCollector execve = new MapMetricCollector(
                MetricKind.COUNTER, spec, LayoutBinder.bind(spec, "m", map, errors), map, CollectObserver.IGNORE);
        assertThat(errors).isEmpty();
        registry.register(execve);
        StatusSource status = new StatusSource() {
            @Override
            public boolean ready() {
                return ready[0];
            }

            @Override
            public List<ProbeStatus> probes() {
                return List.of(new ProbeStatus(
                        "execve",
                        "builtin:probes/execve.yaml",
                        "execve.bpf.o",
                        true,
                        List.of(
                                new ProgramStatus(
                                        "execve",
                                        "tp_execve",
                                        "tracepoint syscalls/sys_enter_execve",
                                        List.of(
                                                "kprobe sys_execve (program kprobe_execve): this kernel has no kprobe support"))),
                        List.of(new MapStatus("kprom_execve", "execve_total", "2026-11-24T09:00:00Z", 12, null)),
                        List.of()));
            }
        };
        channel = new EmbeddedChannel(MetricsServer.builder(registry)
                .tables(List.of(execve))
                .landing(new LandingPage("1.2.3"))
                .status(status)
                .scrapeDuration(new SimpleMeterRegistry().timer("t"))
                .router());
    }

    private FullHttpResponse send(HttpMethod method, String uri, String accept) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (accept != null) request.headers().set("Accept", accept);
        channel.writeInbound(request);
        return channel.readOutbound();
    }

    private static final String EXECVE_TEXT =
            """
            # HELP kprom_execve_total execve() calls.
            # TYPE kprom_execve_total counter
            kprom_execve_total{comm="bash",uid="0"} 7.0
            kprom_execve_total{comm="ma\\"ke",uid="1000"} 2.0
            """;

    @Test
    void servesTheTextFormatByDefault() {
        FullHttpResponse r = send(HttpMethod.GET, "/metrics", null);
        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().get("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        String body = r.content().toString(StandardCharsets.UTF_8);
        assertThat(body)
                .contains("# TYPE kprom_demo_total counter\nkprom_demo_total 3.0\n")
                .contains(EXECVE_TEXT);
        assertThat(body.split("# TYPE kprom_execve_total ", -1)).hasSize(2); // written once, from its table only
        assertThat(r.headers().getInt("Content-Length")).isEqualTo(r.content().readableBytes());
        assertThat(map.reads.get()).isEqualTo(1);
    }

    @Test
    void negotiatesOpenMetrics() {
        FullHttpResponse r =
                send(HttpMethod.GET, "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(r.headers().get("Content-Type")).startsWith("application/openmetrics-text; version=1.0.0");
        String body = r.content().toString(StandardCharsets.UTF_8);
        assertThat(body)
                .contains("kprom_demo_total 3.0")
                .endsWith("# EOF\n")
                .contains(
                        """
                # TYPE kprom_execve counter
                # HELP kprom_execve execve() calls.
                kprom_execve_total{comm="bash",uid="0"} 7.0
                """);
        assertThat(body.indexOf("# EOF")).isEqualTo(body.length() - "# EOF\n".length());
    }

    @Test
    void namesFilterTheScrapeAndUnwantedMapsAreNotRead() {
        String onlyExecve = send(HttpMethod.GET, "/metrics?name[]=kprom_execve_total", null)
                .content()
                .toString(StandardCharsets.UTF_8);
        assertThat(onlyExecve).isEqualTo(EXECVE_TEXT);
        String onlyDemo = send(HttpMethod.GET, "/metrics?name[]=kprom_demo_total", null)
                .content()
                .toString(StandardCharsets.UTF_8);
        assertThat(onlyDemo).contains("kprom_demo_total 3.0").doesNotContain("execve");
        assertThat(map.reads.get()).isEqualTo(1);
    }

    @Test
    void debugOutputGoesThroughClientJavaWithTheSameSeries() {
        String body =
                send(HttpMethod.GET, "/metrics?debug=text", null).content().toString(StandardCharsets.UTF_8);
        assertThat(body).contains(EXECVE_TEXT).contains("kprom_demo_total 3.0");
    }

    @Test
    void negotiatesProtobuf() throws Exception {
        FullHttpResponse r = send(
                HttpMethod.GET,
                "/metrics",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
        assertThat(r.headers().get("Content-Type"))
                .startsWith("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily");
        byte[] body = new byte[r.content().readableBytes()];
        r.content().readBytes(body);
        // a varint-delimited MetricFamily whose name field (1) holds our metric's name
        assertThat(new String(body, StandardCharsets.ISO_8859_1))
                .contains("kprom_demo_total", "kprom_execve_total", "ma\"ke");
    }

    @Test
    void gzipsWhenAsked() throws Exception {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics");
        request.headers().set("Accept-Encoding", "gzip");
        channel.writeInbound(request);
        FullHttpResponse r = channel.readOutbound();
        assertThat(r.headers().get("Content-Encoding")).isEqualTo("gzip");
        byte[] body = new byte[r.content().readableBytes()];
        r.content().readBytes(body);
        try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("kprom_demo_total 3.0")
                    .contains(EXECVE_TEXT);
        }
    }

    @Test
    void headSendsHeadersWithoutABody() {
        FullHttpResponse r = send(HttpMethod.HEAD, "/metrics", null);
        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.content().readableBytes()).isZero();
    }

    @Test
    void landingPageNamesVersionAndProbeSets() {
        FullHttpResponse r = send(HttpMethod.GET, "/", null);
        assertThat(r.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.content().toString(StandardCharsets.UTF_8))
                .contains("kprom 1.2.3", "<section id=\"probe-execve\"><h2>execve", "href=\"/metrics\"");
    }

    @Test
    void healthAndReadiness() {
        assertThat(send(HttpMethod.GET, "/healthz", null).status().code()).isEqualTo(200);
        assertThat(send(HttpMethod.GET, "/readyz", null).status().code()).isEqualTo(200);
        ready[0] = false;
        FullHttpResponse r = send(HttpMethod.GET, "/readyz", null);
        assertThat(r.status().code()).isEqualTo(503);
        assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo("not ready\n");
        assertThat(send(HttpMethod.GET, "/healthz", null).status().code()).isEqualTo(200);
    }

    @Test
    void probesListsAttachChoicesAndMapReadsAsJson() throws Exception {
        FullHttpResponse r = send(HttpMethod.GET, "/probes", null);
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.content().toString(StandardCharsets.UTF_8));
        assertThat(json.at("/0/name").asText()).isEqualTo("execve");
        assertThat(json.at("/0/programs/0/attach").asText()).isEqualTo("tracepoint syscalls/sys_enter_execve");
        assertThat(json.at("/0/programs/0/skipped/0").asText()).contains("no kprobe support");
        assertThat(json.at("/0/maps/0/last_entries").asLong()).isEqualTo(12);
        assertThat(json.at("/0/maps/0/last_error").isNull()).isTrue();
    }

    @Test
    void getRequestsWithABodyAreRefused() {
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                HttpMethod.GET,
                "/metrics",
                io.netty.buffer.Unpooled.copiedBuffer("x=1", StandardCharsets.UTF_8));
        channel.writeInbound(request);
        FullHttpResponse r = channel.readOutbound();
        assertThat(r.status().code()).isEqualTo(400);
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() {
        assertThat(send(HttpMethod.GET, "/nope", null).status().code()).isEqualTo(404);
        FullHttpResponse post = send(HttpMethod.POST, "/metrics", null);
        assertThat(post.status().code()).isEqualTo(405);
        assertThat(post.headers().get("Allow")).isEqualTo("GET, HEAD");
    }
}
