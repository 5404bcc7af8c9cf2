package dev.kprom.exporter.http;

import static dev.kprom.exporter.http.Responses.send;
import static dev.kprom.exporter.http.Responses.text;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Answers {@code GET /healthz} on the I/O loop itself, ahead of the scrape executors: a liveness probe must not
 * wait behind slow scrapes or a flood of password checks and get a healthy pod restarted. Everything else goes on.
 */
@Sharable
final class HealthOnLoop extends ChannelInboundHandlerAdapter {
    static final HealthOnLoop INSTANCE = new HealthOnLoop();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request
                && request.decoderResult().isSuccess()
                && (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD))
                && (request.uri().equals("/healthz") || request.uri().startsWith("/healthz?"))) {
            try {
                RequestTimeouts.received(ctx.channel());
                send(ctx, request, text(HttpResponseStatus.OK, "ok\n"));
            } finally {
                request.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
