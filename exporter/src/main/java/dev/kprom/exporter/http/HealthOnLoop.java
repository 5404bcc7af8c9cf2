package dev.kprom.exporter.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Answers {@code GET /healthz} on the I/O loop itself, ahead of the scrape executors: a liveness probe must not
 * wait behind slow scrapes or a flood of password checks and get a healthy pod restarted. Everything else goes on.
 */
@Sharable
final class HealthOnLoop extends ChannelInboundHandlerAdapter {
    static final HealthOnLoop INSTANCE = new HealthOnLoop();
    private static final PathHandler HEALTH = StatusPaths.health(); // the router's own /healthz answer

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request
                && request.decoderResult().isSuccess()
                && HEALTH.methods().contains(request.method())) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            if (uri.path().equals("/healthz")) {
                try {
                    HEALTH.handle(ctx, request, uri);
                } finally {
                    request.release();
                }
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
