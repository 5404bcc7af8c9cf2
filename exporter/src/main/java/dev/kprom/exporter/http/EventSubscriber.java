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
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP client following one event stream as NDJSON: a line per record, formatted and written in chunks on the
 * channel's event loop. A drain thread only copies the record's bytes into a queue bounded in bytes
 * ({@link #MAX_QUEUED_BYTES}; it never formats, waits or takes a lock a client can hold), so a slow client cannot
 * slow the drain; past the bound records are dropped for that client (never for the metrics) and a
 * {@code {"map":"...","dropped":N}} line says how many. Lines are formatted only as the client takes them: at most
 * {@link #CHUNK_CHARS} at a time, and only while the connection is writable (below its write watermark), so a
 * client that stops reading holds its queue's bytes and one chunk, not the whole queue formatted. A blank line
 * every {@link #HEARTBEAT_SECONDS} keeps quiet connections open and finds clients that left.
 */
final class EventSubscriber implements RecordHandler {
    /** Bytes of records (each counted with {@link #RECORD_OVERHEAD}) that may wait for one client. */
    static final int MAX_QUEUED_BYTES = 256 << 10;

    /** What a waiting record costs beyond its bytes: its array's header, its holder and its queue node. */
    static final int RECORD_OVERHEAD = 80;

    /** The most characters formatted into one write. */
    static final int CHUNK_CHARS = 32 << 10;

    static final int HEARTBEAT_SECONDS = 30;

    private final Channel channel;
    private final EventStream stream;
    private final RecordJson json;

    private record Waiting(int ring, byte[] bytes) {}

    /** Where records were dropped, in the queue: its line says how many. */
    private static final Waiting DROPS = new Waiting(-1, null);

    private final ConcurrentLinkedQueue<Waiting> records = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedBytes = new AtomicInteger();
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
        int cost = length + RECORD_OVERHEAD;
        if (queuedBytes.addAndGet(cost) > MAX_QUEUED_BYTES) {
            queuedBytes.addAndGet(-cost);
            // the first of a run of drops leaves a mark where they happened: the client is told there, in order
            if (dropped.getAndIncrement() == 0) records.add(DROPS);
            return;
        }
        byte[] bytes = new byte[length];
        buf.get(offset, bytes);
        records.add(new Waiting(ring, bytes));
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
        for (Waiting r; chunk.length() < CHUNK_CHARS && (r = records.poll()) != null; ) {
            if (r == DROPS) {
                chunk.append("{\"map\":\"")
                        .append(stream.map())
                        .append("\",\"dropped\":")
                        .append(dropped.getAndSet(0))
                        .append("}\n");
                continue;
            }
            queuedBytes.addAndGet(-(r.bytes().length + RECORD_OVERHEAD));
            ByteBuffer b = ByteBuffer.wrap(r.bytes()).order(ByteOrder.nativeOrder());
            chunk.append(json.format(r.ring(), b, 0, r.bytes().length)).append('\n');
        }
        if (!records.isEmpty() && flushScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this::flush); // the rest after this chunk, if the client keeps up
        }
        if (chunk.length() > 0) write(channel, chunk.toString());
    }

    private static void write(Channel channel, String text) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        channel.writeAndFlush(new DefaultHttpContent(bytes));
    }
}
