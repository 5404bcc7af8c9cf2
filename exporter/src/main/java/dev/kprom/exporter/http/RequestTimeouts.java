package dev.kprom.exporter.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Early in the pipeline: closes a connection whose first request has not fully arrived within the read timeout
 * of its opening (a socket that never sends a byte holds a connection for that long only), one idle for longer
 * than the idle timeout between requests, or one whose request has not fully arrived within the read timeout of
 * its first byte. The time a request spends being served does not
 * count: the handler tells this one when a whole request arrived ({@link #received}), and the clock restarts
 * (idle) when the response has been written.
 */
final class RequestTimeouts extends ChannelDuplexHandler {
    private enum State {
        IDLE,
        READING,
        SERVING
    }

    private final long readNanos;
    private final long idleNanos;
    private State state = State.IDLE;
    private ScheduledFuture<?> timer;

    RequestTimeouts(HttpLimits limits) {
        this.readNanos = limits.readTimeout().toNanos();
        this.idleNanos = limits.idleTimeout().toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx, State.READING); // a new connection owes its first request within the read timeout
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) arm(ctx, State.READING);
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        // First in the pipeline, this sees responses already encoded to bytes: any write while serving is the
        // response, and once written the connection is idle again.
        if (state == State.SERVING || state == State.IDLE) {
            promise.addListener(f -> {
                if (ctx.channel().isActive() && state != State.READING) arm(ctx, State.IDLE);
            });
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    /** A whole request arrived: stop the clock while it is served. Safe from any thread. */
    static void received(Channel channel) {
        RequestTimeouts t = channel.pipeline().get(RequestTimeouts.class);
        if (t == null) return;
        Runnable serving = () -> {
            t.cancel();
            t.state = State.SERVING;
        };
        // on the loop (a request answered there), at once: its response is written right after
        if (channel.eventLoop().inEventLoop()) serving.run();
        else channel.eventLoop().execute(serving);
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
