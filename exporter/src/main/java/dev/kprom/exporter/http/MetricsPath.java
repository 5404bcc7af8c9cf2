package dev.kprom.exporter.http;

import static dev.kprom.exporter.http.Responses.send;
import static dev.kprom.exporter.http.Responses.text;

import dev.kprom.exporter.collect.ScrapeDeadline;
import dev.kprom.exporter.exposition.TableCollector;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics}: the text formats, unless {@code debug} is asked for, through {@link TableScrape}; the rest
 * (protobuf, debug output) through client_java's scrape handler. Both negotiate with client_java's writers,
 * honour {@code name[]} and gzip the body when the client accepts it; both honour the scrape's deadline
 * ({@code X-Prometheus-Scrape-Timeout-Seconds}).
 */
final class MetricsPath implements PathHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsPath.class);
    private final PrometheusScrapeHandler scrape;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final TableScrape tables;
    private final Timer duration;

    /** {@code duration} (may be null) times each scrape. */
    MetricsPath(PrometheusRegistry registry, Supplier<List<TableCollector>> tables, Timer duration) {
        this.scrape = new PrometheusScrapeHandler(registry);
        this.tables = new TableScrape(registry, tables);
        this.duration = duration;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        send(ctx, request, scrape(ctx, request, uri));
    }

    private FullHttpResponse scrape(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        ByteBuf body = ctx.alloc().buffer();
        long start = System.nanoTime();
        try {
            FullHttpResponse response;
            ScrapeDeadline.start(request.headers().get("X-Prometheus-Scrape-Timeout-Seconds"));
            try {
                ExpositionFormatWriter writer =
                        formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
                if (TableScrape.handles(writer) && !uri.parameters().containsKey("debug")) {
                    response = tableScrape(request, uri, writer, body);
                } else {
                    NettyScrapeExchange exchange = new NettyScrapeExchange(request, body);
                    scrape.handleRequest(exchange);
                    response = new DefaultFullHttpResponse(
                            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(exchange.status()), body);
                    response.headers().set(exchange.headers());
                }
            } finally {
                ScrapeDeadline.end();
            }
            if (duration != null) duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return response;
        } catch (Exception e) {
            body.release();
            LOG.warn("scrape failed", e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed: " + e + "\n");
        }
    }

    private FullHttpResponse tableScrape(
            FullHttpRequest request, QueryStringDecoder uri, ExpositionFormatWriter writer, ByteBuf body)
            throws IOException {
        List<String> names = uri.parameters().getOrDefault("name[]", List.of());
        Predicate<String> included = names.isEmpty()
                ? MetricNameFilter.ALLOW_ALL
                : MetricNameFilter.builder().nameMustBeEqualTo(names).build();
        boolean gzip = request.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING).stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .anyMatch(e -> e.trim().toLowerCase(Locale.ROOT).startsWith("gzip"));
        OutputStream out = new ByteBufOutputStream(body);
        if (gzip) out = new GZIPOutputStream(out, 1 << 16);
        tables.write(out, writer, included);
        out.close();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
        if (gzip) response.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        return response;
    }
}
