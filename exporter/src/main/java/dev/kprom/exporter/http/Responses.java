package dev.kprom.exporter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The small responses every path gives (text, HTML, JSON) and the one way they are sent. */
final class Responses {
    private static final ObjectMapper JSON =
            new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Responses() {}

    static FullHttpResponse text(HttpResponseStatus status, String text) {
        return withType(status, text, "text/plain; charset=utf-8");
    }

    static FullHttpResponse html(String html) {
        return withType(HttpResponseStatus.OK, html, "text/html; charset=utf-8");
    }

    /** {@code value} as pretty-printed JSON with snake_case names. */
    static FullHttpResponse json(Object value) {
        try {
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value)));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            return response;
        } catch (JsonProcessingException e) {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot render status: " + e.getMessage() + "\n");
        }
    }

    /** Sends a whole response: length set, body dropped for HEAD, the connection kept or closed as the client asked. */
    static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (request.method().equals(HttpMethod.HEAD)) response.content().clear();
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) future.addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse withType(HttpResponseStatus status, String text, String type) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return response;
    }
}
