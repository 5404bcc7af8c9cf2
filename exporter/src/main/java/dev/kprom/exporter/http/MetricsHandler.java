package dev.kprom.exporter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.kprom.exporter.collect.ScrapeDeadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import dev.kprom.exporter.events.EventStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.buffer.ByteBufOutputStream;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import java.io.OutputStream;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests: {@code /metrics} to the text formats' fast path ({@link TableScrape}) or the Prometheus client's
 * scrape handler (format and gzip negotiation),
 * {@code /} to the landing page, {@code /healthz} (alive), {@code /readyz} (every probe set attached) and
 * {@code /probes} (JSON: each probe set's attach choices and map reads), and, when configured, the event path
 * (live records as NDJSON, see {@link EventSubscriber}); anything else 404, non-GET/HEAD 405.
 */
@Sharable
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final Set<String> PATHS = Set.of("/", "/metrics", "/healthz", "/readyz", "/probes");
    private final PrometheusScrapeHandler scrape;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final TableScrape tables;
    private final Routes routes;
    private final BasicAuth auth;

    MetricsHandler(Routes routes) {
        this(routes, null);
    }

    /** With {@code auth}, every path but /healthz and /readyz (for orchestrators' probes) needs a user. */
    MetricsHandler(Routes routes, BasicAuth auth) {
        this.scrape = new PrometheusScrapeHandler(routes.registry());
        this.tables = new TableScrape(routes.registry(), routes.tables());
        this.routes = routes;
        this.auth = auth;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RequestTimeouts.received(ctx.channel());
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            FullHttpResponse response = text(status, status.reasonPhrase().toLowerCase() + "\n");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE); // the stream is out of step now
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (auth != null && !path.equals("/healthz") && !path.equals("/readyz")
                && !auth.allows(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse response = text(HttpResponseStatus.UNAUTHORIZED, "unauthorized\n");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"kprom\"");
            send(ctx, request, response);
        } else if (!PATHS.contains(path) && !path.equals(routes.eventsPath())) {
            send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found: try /metrics\n"));
        } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, request, response);
        } else if (request.content().isReadable()) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "GET requests take no body\n"));
        } else if (path.equals(routes.eventsPath())) {
            events(ctx, request, uri);
        } else {
            send(ctx, request, switch (path) {
                case "/metrics" -> metrics(ctx, request, uri);
                case "/healthz" -> text(HttpResponseStatus.OK, "ok\n");
                case "/readyz" -> routes.status().ready() ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
                case "/probes" -> json(routes.status().probes());
                default -> {
                    FullHttpResponse response = text(HttpResponseStatus.OK, routes.landing().html());
                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
                    yield response;
                }
            });
        }
    }

    /**
     * The event endpoint: {@code ?probe=NAME} (repeatable) picks probe sets, none means all. Answers 200 with a
     * chunked {@code application/x-ndjson} body that lasts as long as the client stays.
     */
    private void events(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        List<String> wanted = uri.parameters().getOrDefault("probe", List.copyOf(routes.events().keySet()));
        List<EventStream> streams = new ArrayList<>();
        for (String probe : wanted) {
            List<EventStream> of = routes.events().get(probe);
            if (of == null) {
                send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "no probe set \"" + probe + "\" with events (have: "
                        + String.join(", ", new java.util.TreeSet<>(routes.events().keySet())) + ")\n"));
                return;
            }
            streams.addAll(of);
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (request.method().equals(HttpMethod.HEAD)) {
            HttpUtil.setContentLength(response, 0);
            ctx.writeAndFlush(response);
            return;
        }
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.writeAndFlush(response);
        EventSubscriber.follow(ctx.channel(), streams);
    }

    private static FullHttpResponse json(Object value) {
        try {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value)));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            return response;
        } catch (JsonProcessingException e) {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot render status: " + e.getMessage() + "\n");
        }
    }

    /**
     * The text formats, unless {@code debug} is asked for, through {@link TableScrape}; the rest (protobuf,
     * debug output) through client_java's scrape handler. Both negotiate with client_java's writers, honour
     * {@code name[]} and gzip the body when the client accepts it.
     */
    private FullHttpResponse metrics(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        ByteBuf body = ctx.alloc().buffer();
        long start = System.nanoTime();
        try {
            FullHttpResponse response;
            ScrapeDeadline.start(request.headers().get("X-Prometheus-Scrape-Timeout-Seconds"));
            try {
                ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
                if (TableScrape.handles(writer) && !uri.parameters().containsKey("debug")) {
                    response = tableScrape(request, uri, writer, body);
                } else {
                    NettyScrapeExchange exchange = new NettyScrapeExchange(request, body);
                    scrape.handleRequest(exchange);
                    response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(exchange.status()), body);
                    response.headers().set(exchange.headers());
                }
            } finally {
                ScrapeDeadline.end();
            }
            routes.scrapeDuration().record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            return response;
        } catch (Exception e) {
            body.release();
            LOG.warn("scrape failed", e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed: " + e + "\n");
        }
    }

    private FullHttpResponse tableScrape(FullHttpRequest request, QueryStringDecoder uri, ExpositionFormatWriter writer,
                                         ByteBuf body) throws java.io.IOException {
        List<String> names = uri.parameters().getOrDefault("name[]", List.of());
        Predicate<String> included = names.isEmpty() ? MetricNameFilter.ALLOW_ALL
                : MetricNameFilter.builder().nameMustBeEqualTo(names).build();
        boolean gzip = request.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .anyMatch(e -> e.trim().toLowerCase(java.util.Locale.ROOT).startsWith("gzip"));
        OutputStream out = new ByteBufOutputStream(body);
        if (gzip) out = new GZIPOutputStream(out, 1 << 16);
        tables.write(out, writer, included);
        out.close();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
        if (gzip) response.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) future.addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error from {}", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
