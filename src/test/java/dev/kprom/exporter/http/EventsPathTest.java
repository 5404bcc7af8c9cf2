package dev.kprom.exporter.http;

import static dev.kprom.testing.Specs.events;
import static dev.kprom.testing.Specs.field;
import static dev.kprom.testing.Specs.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.events.EventStreamBinder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The event path bounds what clients can ask of it: each probe set once per client, and a few clients at once. */
class EventsPathTest {
    private final EventStream stream = EventStreamBinder.bind(
            events("connect_events")
                    .field(field("port", 4, "uint"))
                    .counter(metric("connect_total"))
                    .build(),
            "events[0]",
            Optional.empty(),
            1,
            CollectObserver.IGNORE,
            new ArrayList<>());
    private final Router router = MetricsServer.builder(new PrometheusRegistry())
            .events("/events", Map.of("connect", List.of(stream)))
            .router();

    private EmbeddedChannel follow(String uri) {
        EmbeddedChannel channel = new EmbeddedChannel(router);
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
        channel.runPendingTasks();
        return channel;
    }

    private static String body(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            if (m instanceof HttpContent c) {
                out.append(c.content().toString(StandardCharsets.UTF_8));
                c.release();
            }
        }
        return out.toString();
    }

    @Test
    void aProbeSetNamedManyTimesIsFollowedOnce() {
        EmbeddedChannel channel = follow("/events?probe=connect&probe=connect&probe=connect");
        assertThat(channel.<HttpResponse>readOutbound().status().code()).isEqualTo(200);
        stream.record(0, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 443), 0, 4);
        channel.runPendingTasks();
        assertThat(body(channel).lines()).containsExactly("{\"map\":\"connect_events\",\"cpu\":0,\"port\":\"443\"}");
        channel.close();
    }

    @Test
    void aFewClientsAtOnceTheNextIsTurnedAway() {
        List<EmbeddedChannel> following = new ArrayList<>();
        for (int i = 0; i < EventsPath.MAX_CLIENTS; i++) {
            EmbeddedChannel c = follow("/events");
            assertThat(c.<HttpResponse>readOutbound().status().code()).isEqualTo(200);
            following.add(c);
        }
        EmbeddedChannel refused = follow("/events");
        assertThat(refused.<HttpResponse>readOutbound().status().code()).isEqualTo(503);
        following.get(0).close(); // one leaves: room for another
        assertThat(follow("/events").<HttpResponse>readOutbound().status().code())
                .isEqualTo(200);
    }
}
