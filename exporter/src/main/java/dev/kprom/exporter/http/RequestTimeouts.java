package dev.kprom.exporter.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Early in the pipeline: closes a connection whose first request has not fully arrived within the read timeout
 * of its opening (a socket that never sends a byte holds a connection for that long only), one idle for longer
 * than the idle timeout between requests, or one whose request has not fully arrived within the read timeout of
 * its first byte. The time a request spends waiting and being served does not count: {@link OneAtATime} says when
 * a whole request is handed on ({@link #received}) and when its response, streamed or not, was written out
 * ({@link #answered}). A
 * connection not being served is also listed in {@link WaitingConnections}, which may close it to make room.
 */
final class RequestTimeouts extends ChannelInboundHandlerAdapter {
    private enum State {
        IDLE,
        READING,
        SERVING
    }

    private final long readNanos;
    private final long idleNanos;
    private final WaitingConnections waiting;
    private State state = State.IDLE;
    private ScheduledFuture<?> timer;

    /** {@code waiting}: the server's connections not being served, which this one joins while it is not. */
    RequestTimeouts(HttpLimits limits, WaitingConnections waiting) {
        this.readNanos = limits.readTimeout().toNanos();
        this.idleNanos = limits.idleTimeout().toNanos();
        this.waiting = waiting;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        waiting.waiting(ctx.channel());
        arm(ctx, State.READING); // a new connection owes its first request within the read timeout
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) arm(ctx, State.READING);
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        waiting.serving(ctx.channel()); // gone: off the list
        super.channelInactive(ctx);
    }

    /** A whole request arrived: stop the clock while it is served. Safe from any thread. */
    static void received(Channel channel) {
        onLoop(channel, t -> {
            t.cancel();
            t.state = State.SERVING;
            t.waiting.serving(channel);
        });
    }

    /** The last of a response was written: the connection is idle until its next request. Safe from any thread. */
    static void answered(Channel channel) {
        onLoop(channel, t -> {
            if (t.state != State.SERVING || !channel.isActive()) return;
            t.waiting.waiting(channel);
            t.arm(channel.pipeline().context(t), State.IDLE);
        });
    }

    private static void onLoop(Channel channel, Consumer<RequestTimeouts> change) {
        RequestTimeouts t = channel.pipeline().get(RequestTimeouts.class);
        if (t == null) return;
        // on the loop (a request answered there), at once: its response is written right after
        if (channel.eventLoop().inEventLoop()) change.accept(t);
        else channel.eventLoop().execute(() -> change.accept(t));
    }

    private void arm(ChannelHandlerContext ctx, State next) {
        cancel();
        state = next;
        long nanos = next == State.IDLE ? idleNanos : readNanos;
        timer = ctx.executor()
                .schedule(
                        () -> {
                            if (state == next) ctx.close();
                        },
                        nanos,
                        TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) timer.cancel(false);
        timer = null;
    }
}
