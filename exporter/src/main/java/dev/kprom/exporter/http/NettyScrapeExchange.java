package dev.kprom.exporter.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;

/** Adapts one Netty request to the Prometheus client's scrape handler, which negotiates format and compression. */
final class NettyScrapeExchange implements PrometheusHttpExchange {
    private final FullHttpRequest request;
    private final ByteBuf body;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private int status = 200;

    NettyScrapeExchange(FullHttpRequest request, ByteBuf body) {
        this.request = request;
        this.body = body;
    }

    int status() {
        return status;
    }

    HttpHeaders headers() {
        return headers;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
        return new PrometheusHttpRequest() {
            @Override
            public String getQueryString() {
                String uri = request.uri();
                int q = uri.indexOf('?');
                return q < 0 ? null : uri.substring(q + 1);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return Collections.enumeration(request.headers().getAll(name));
            }

            @Override
            public String getMethod() {
                return request.method().name();
            }

            @Override
            public String getRequestPath() {
                return new QueryStringDecoder(request.uri()).path();
            }
        };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
        return new PrometheusHttpResponse() {
            @Override
            public void setHeader(String name, String value) {
                headers.set(name, value);
            }

            @Override
            public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
                status = statusCode;
                return new ByteBufOutputStream(body);
            }
        };
    }

    @Override
    public void handleException(IOException e) throws IOException {
        throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
        throw e;
    }

    @Override
    public void close() {}
}
