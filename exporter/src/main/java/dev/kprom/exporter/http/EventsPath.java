package dev.kprom.exporter.http;

import static dev.kprom.exporter.http.Responses.send;
import static dev.kprom.exporter.http.Responses.text;

import dev.kprom.exporter.events.EventStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The event path (off unless configured): {@code ?probe=NAME} (repeatable) picks probe sets, none means all.
 * Answers 200 with a chunked {@code application/x-ndjson} body that lasts as long as the client stays
 * (see {@link EventSubscriber}).
 */
final class EventsPath implements PathHandler {
    /** Clients following events at once; more get 503 (each costs a backlog and formatting on the I/O loop). */
    static final int MAX_CLIENTS = 8;

    private final Supplier<Map<String, List<EventStream>>> streams;
    private final AtomicInteger clients = new AtomicInteger();

    /** {@code streams}: each running probe set's streams, by probe set name, asked for at each request. */
    EventsPath(Supplier<Map<String, List<EventStream>>> streams) {
        this.streams = streams;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        Map<String, List<EventStream>> events = streams.get();
        // each probe set once, however often a client names it
        Set<String> wanted = new LinkedHashSet<>(uri.parameters().getOrDefault("probe", List.copyOf(events.keySet())));
        List<EventStream> following = new ArrayList<>();
        for (String probe : wanted) {
            List<EventStream> of = events.get(probe);
            if (of == null) {
                send(
                        ctx,
                        request,
                        text(
                                HttpResponseStatus.NOT_FOUND,
                                "no probe set \"" + probe + "\" with events (have: "
                                        + String.join(", ", new TreeSet<>(events.keySet())) + ")\n"));
                return;
            }
            following.addAll(of);
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (request.method().equals(HttpMethod.HEAD)) {
            HttpUtil.setContentLength(response, 0);
            ctx.writeAndFlush(response);
            return;
        }
        if (clients.incrementAndGet() > MAX_CLIENTS) {
            clients.decrementAndGet();
            send(
                    ctx,
                    request,
                    text(
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "too many clients follow events (at most " + MAX_CLIENTS + "); try again later\n"));
            return;
        }
        ctx.channel().closeFuture().addListener(f -> clients.decrementAndGet());
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.writeAndFlush(response);
        EventSubscriber.follow(ctx.channel(), following);
    }
}
