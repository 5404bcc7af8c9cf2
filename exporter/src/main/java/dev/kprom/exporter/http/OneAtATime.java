package dev.kprom.exporter.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * One request in flight per connection. A client that pipelines requests gets them answered in order, one at a
 * time: the next is handed on only once the previous response is written out, and while requests wait, reading
 * from the socket pauses (TCP pushes back on the client). More than {@code maxWaiting} waiting requests close the
 * connection. Without this, a client that sends thousands of GET /metrics and never reads makes kprom scrape and
 * buffer every answer. On the I/O loop, after the aggregator; it sees whole requests and the responses going out.
 */
final class OneAtATime extends ChannelDuplexHandler {
    private final int maxWaiting;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean serving;

    OneAtATime(int maxWaiting) {
        this.maxWaiting = maxWaiting;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!serving) {
            serve(ctx, request);
        } else if (waiting.size() >= maxWaiting) {
            request.release();
            ctx.close(); // far ahead of its answers: not a client that reads them
        } else {
            waiting.add(request);
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        boolean last = msg instanceof LastHttpContent; // a FullHttpResponse, or the end of a streamed one
        super.write(ctx, msg, promise);
        if (last) promise.addListener(f -> ctx.executor().execute(() -> next(ctx)));
    }

    /** The response went out (or failed, and the connection closes): the next waiting request, or read again. */
    private void next(ChannelHandlerContext ctx) {
        serving = false;
        if (!ctx.channel().isActive()) return;
        FullHttpRequest request = waiting.poll();
        if (request != null) {
            serve(ctx, request);
        } else {
            RequestTimeouts.answered(ctx.channel());
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    /** Hands on a whole request; the read and idle clocks stop until it is answered, however long it waits. */
    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        serving = true;
        RequestTimeouts.received(ctx.channel());
        ctx.fireChannelRead(request);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        waiting.forEach(FullHttpRequest::release);
        waiting.clear();
        super.channelInactive(ctx);
    }
}
