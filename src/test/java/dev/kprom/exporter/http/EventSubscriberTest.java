package dev.kprom.exporter.http;

import static dev.kprom.testing.Specs.events;
import static dev.kprom.testing.Specs.field;
import static dev.kprom.testing.Specs.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.events.EventStreamBinder;
import dev.kprom.exporter.spec.EventStreamSpec;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A client following a stream: lines in record order, and a bounded backlog when it does not keep up. */
class EventSubscriberTest {
    private static EventStream stream() {
        EventStreamSpec spec = events("events")
                .field(field("port", 4, "uint"))
                .counter(metric("requests_total"))
                .build();
        return EventStreamBinder.bind(
                spec, "events[0]", Optional.empty(), 1, CollectObserver.IGNORE, new ArrayList<>());
    }

    private static void send(EventSubscriber s, int port) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(0, port);
        s.record(0, b, 0, 8);
    }

    private static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            HttpContent c = (HttpContent) m;
            out.append(c.content().toString(StandardCharsets.UTF_8));
            c.release();
        }
        return out.toString();
    }

    @Test
    void writesALinePerRecordInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel();
        EventSubscriber s = new EventSubscriber(channel, stream());
        send(s, 80);
        send(s, 443);
        channel.runPendingTasks();
        assertThat(written(channel))
                .isEqualTo(
                        "{\"map\":\"events\",\"cpu\":0,\"port\":\"80\"}\n{\"map\":\"events\",\"cpu\":0,\"port\":\"443\"}\n");
    }

    @Test
    void aClientThatFallsBehindLosesRecordsPastTheBacklogAndIsToldHowMany() {
        EmbeddedChannel channel = new EmbeddedChannel();
        EventSubscriber s = new EventSubscriber(channel, stream());
        int fits = EventSubscriber.MAX_QUEUED_BYTES / (8 + EventSubscriber.RECORD_OVERHEAD);
        for (int i = 0; i < fits + 7; i++) send(s, i); // the event loop has not run: nothing sent yet
        channel.runPendingTasks();
        List<String> lines = written(channel).lines().toList();
        assertThat(lines).hasSize(fits + 1);
        assertThat(lines.get(0)).isEqualTo("{\"map\":\"events\",\"cpu\":0,\"port\":\"0\"}");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"map\":\"events\",\"dropped\":7}");
        send(s, 1);
        channel.runPendingTasks();
        assertThat(written(channel))
                .isEqualTo("{\"map\":\"events\",\"cpu\":0,\"port\":\"1\"}\n"); // caught up: nothing dropped
    }

    @Test
    void aBacklogIsFormattedAChunkAtATimeNeverAllAtOnce() {
        EmbeddedChannel channel = new EmbeddedChannel();
        EventSubscriber s = new EventSubscriber(channel, stream());
        for (int i = 0; i < 2000; i++) send(s, i);
        channel.runPendingTasks();
        int writes = 0;
        for (Object m; (m = channel.readOutbound()) != null; writes++) {
            HttpContent c = (HttpContent) m;
            assertThat(c.content().readableBytes()).isLessThan(EventSubscriber.CHUNK_CHARS + 100);
            c.release();
        }
        assertThat(writes).isGreaterThan(1);
    }
}
