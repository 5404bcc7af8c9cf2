package dev.kprom.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing and negotiation, on Netty's EmbeddedChannel. */
class MetricsHandlerTest {
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("kprom_demo_total").help("demo").register(registry).inc(3);
        channel = new EmbeddedChannel(new MetricsHandler(new PrometheusScrapeHandler(registry), new LandingPage("1.2.3", List.of("execve"))));
    }

    private FullHttpResponse send(HttpMethod method, String uri, String accept) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (accept != null) request.headers().set("Accept", accept);
        channel.writeInbound(request);
        return channel.readOutbound();
    }

    @Test
    void servesTheTextFormatByDefault() {
        FullHttpResponse r = send(HttpMethod.GET, "/metrics", null);
        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().get("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("# TYPE kprom_demo_total counter\nkprom_demo_total 3.0\n");
        assertThat(r.headers().getInt("Content-Length")).isEqualTo(r.content().readableBytes());
    }

    @Test
    void negotiatesOpenMetrics() {
        FullHttpResponse r = send(HttpMethod.GET, "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(r.headers().get("Content-Type")).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("kprom_demo_total 3.0").endsWith("# EOF\n");
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
        assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("kprom 1.2.3", "<li>execve</li>", "href=\"/metrics\"");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() {
        assertThat(send(HttpMethod.GET, "/nope", null).status().code()).isEqualTo(404);
        FullHttpResponse post = send(HttpMethod.POST, "/metrics", null);
        assertThat(post.status().code()).isEqualTo(405);
        assertThat(post.headers().get("Allow")).isEqualTo("GET, HEAD");
    }
}
