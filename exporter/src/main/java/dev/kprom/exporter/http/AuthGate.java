package dev.kprom.exporter.http;

import static dev.kprom.exporter.http.Responses.send;
import static dev.kprom.exporter.http.Responses.text;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Basic auth ahead of the router, on the I/O loop. Credentials that verified before pass at the cost of a hash
 * lookup, and a malformed header or an address that failed too often lately is refused at once; anything else
 * needs a bcrypt check, which runs on a pool of its own (one thread, {@link #QUEUED} waiting): a flood of wrong
 * passwords takes neither the scrape threads nor the I/O loop, and a check that finds the pool full is answered
 * 503 with Retry-After instead of waiting. Paths in {@code open} (health checks for orchestrators) need no user.
 */
@Sharable
final class AuthGate extends ChannelInboundHandlerAdapter implements AutoCloseable {
    static final int QUEUED = 16;
    private final Set<String> open;
    private final Supplier<BasicAuth> auth;
    private final ThreadPoolExecutor checks = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            new DefaultThreadFactory("kprom-bcrypt", true));

    /** {@code auth} gives the users now (null: no path needs a user); a reload of the web config changes them. */
    AuthGate(Set<String> open, Supplier<BasicAuth> auth) {
        this.open = Set.copyOf(open);
        this.auth = auth;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        BasicAuth users = auth.get();
        if (users == null
                || !(msg instanceof FullHttpRequest request)
                || !request.decoderResult().isSuccess()
                || open.contains(new QueryStringDecoder(request.uri()).path())) {
            ctx.fireChannelRead(msg);
            return;
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        InetAddress from = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        switch (users.precheck(authorization, from)) {
            case ALLOWED -> ctx.fireChannelRead(request);
            case REFUSED -> answer(ctx, request, unauthorized());
            case NEEDS_CHECK -> {
                try {
                    checks.execute(new Check(ctx, request, users, authorization, from));
                } catch (RejectedExecutionException busy) {
                    FullHttpResponse response =
                            text(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many password checks waiting\n");
                    response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                    answer(ctx, request, response);
                }
            }
        }
    }

    /** A bcrypt check: verifies on the pool's thread, then goes on (or refuses) on the connection's own loop. */
    private record Check(
            ChannelHandlerContext ctx, FullHttpRequest request, BasicAuth users, String authorization, InetAddress from)
            implements Runnable {
        @Override
        public void run() {
            boolean ok = verified();
            try {
                ctx.executor().execute(() -> {
                    if (ok) ctx.fireChannelRead(request);
                    else answer(ctx, request, unauthorized());
                });
            } catch (RejectedExecutionException stopping) {
                request.release(); // the server is closing
            }
        }

        private boolean verified() {
            try {
                return users.allows(authorization, from);
            } catch (RuntimeException unreadableHash) { // refused, never left unanswered
                return false;
            }
        }
    }

    private static FullHttpResponse unauthorized() {
        FullHttpResponse response = text(HttpResponseStatus.UNAUTHORIZED, "unauthorized\n");
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"kprom\"");
        return response;
    }

    private static void answer(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        try {
            send(ctx, request, response);
        } finally {
            request.release();
        }
    }

    /** Stops the bcrypt thread; checks still waiting are dropped (the server closes their connections). */
    @Override
    public void close() {
        for (Runnable waiting : checks.shutdownNow())
            ((Check) waiting).request().release();
    }
}
