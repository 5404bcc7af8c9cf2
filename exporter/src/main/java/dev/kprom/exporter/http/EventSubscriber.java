package dev.kprom.exporter.http;

import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.events.RecordHandler;
import dev.kprom.exporter.events.RecordJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP client following one event stream as NDJSON: a line per record, written in chunks from the channel's
 * event loop. Drain threads only format and queue; at most {@link #MAX_QUEUED} lines wait for a slow client, past
 * that records are dropped for it (never for the metrics) and a {@code {"map":"...","dropped":N}} line says how
 * many. A blank line every {@link #HEARTBEAT_SECONDS} keeps quiet connections open and finds clients that left.
 */
final class EventSubscriber implements RecordHandler {
    static final int MAX_QUEUED = 10_000;
    static final int HEARTBEAT_SECONDS = 30;

    private final Channel channel;
    private final EventStream stream;
    private final RecordJson json;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    EventSubscriber(Channel channel, EventStream stream) {
        this.channel = channel;
        this.stream = stream;
        this.json = new RecordJson(stream);
    }

    /**
     * Starts following {@code streams} on {@code channel} (its response headers sent) until the channel closes:
     * one subscriber per stream, one heartbeat per channel.
     */
    static void follow(Channel channel, List<EventStream> streams) {
        List<EventSubscriber> subscribers =
                streams.stream().map(s -> new EventSubscriber(channel, s)).toList();
        channel.eventLoop().execute(() -> {
            ScheduledFuture<?> heartbeat = channel.eventLoop()
                    .scheduleAtFixedRate(
                            () -> write(channel, "\n"), HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
            channel.closeFuture().addListener(f -> {
                heartbeat.cancel(false);
                subscribers.forEach(s -> s.stream.removeListener(s));
            });
            if (channel.isActive()) subscribers.forEach(s -> s.stream.addListener(s));
        });
    }

    @Override
    public void record(int ring, ByteBuffer buf, int offset, int length) {
        if (queued.get() >= MAX_QUEUED) {
            dropped.incrementAndGet();
            return;
        }
        lines.add(json.format(ring, buf, offset, length));
        queued.incrementAndGet();
        if (flushScheduled.compareAndSet(false, true)) channel.eventLoop().execute(this::flush);
    }

    private void flush() {
        flushScheduled.set(false);
        if (!channel.isActive()) return;
        if (!channel.isWritable()) { // a slow reader: let lines wait (up to MAX_QUEUED), try again shortly
            if (flushScheduled.compareAndSet(false, true))
                channel.eventLoop().schedule(this::flush, 50, TimeUnit.MILLISECONDS);
            return;
        }
        StringBuilder chunk = new StringBuilder();
        for (String line; (line = lines.poll()) != null; ) {
            queued.decrementAndGet();
            chunk.append(line).append('\n');
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0)
            chunk.append("{\"map\":\"")
                    .append(stream.map())
                    .append("\",\"dropped\":")
                    .append(lost)
                    .append("}\n");
        if (chunk.length() > 0) write(channel, chunk.toString());
    }

    private static void write(Channel channel, String text) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        channel.writeAndFlush(new DefaultHttpContent(bytes));
    }
}
