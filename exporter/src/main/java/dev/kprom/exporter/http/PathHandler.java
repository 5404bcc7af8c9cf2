package dev.kprom.exporter.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Set;

/**
 * Answers one path, once {@link Router} has checked the request (decoded, authorized, a method it takes, no body).
 * Most handlers answer with one {@link Responses#send}; a streaming one writes its own response.
 */
@FunctionalInterface
interface PathHandler {
    Set<HttpMethod> GET_HEAD = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri);

    /** The methods this path answers; others get 405. */
    default Set<HttpMethod> methods() {
        return GET_HEAD;
    }
}
