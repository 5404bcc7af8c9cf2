package dev.kprom.exporter.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Answers one path, once {@link Router} has checked the request (decoded, authorized, GET or HEAD, no body).
 * Most handlers answer with one {@link Responses#send}; a streaming one writes its own response.
 */
@FunctionalInterface
interface PathHandler {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri);
}
