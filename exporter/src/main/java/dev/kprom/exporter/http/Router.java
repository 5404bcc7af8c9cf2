package dev.kprom.exporter.http;

import static dev.kprom.exporter.http.Responses.send;
import static dev.kprom.exporter.http.Responses.text;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each request and hands it to its path's {@link PathHandler}: a request the codec could not read gets
 * 414, 431 or 400 and the connection closes; an unknown path 404; a method the path does not take 405; a body 400.
 * Users were checked before, by {@link AuthGate}.
 */
@Sharable
final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private final Map<String, PathHandler> paths;

    Router(Map<String, PathHandler> paths) {
        this.paths = Map.copyOf(paths);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException
                    ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException
                            ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                            : HttpResponseStatus.BAD_REQUEST;
            FullHttpResponse response = text(status, status.reasonPhrase().toLowerCase() + "\n");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE); // the stream is out of step now
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        PathHandler handler = paths.get(path);
        if (handler == null) {
            send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found: try /metrics\n"));
        } else if (!handler.methods().contains(request.method())) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
            response.headers()
                    .set(
                            HttpHeaderNames.ALLOW,
                            handler.methods().stream()
                                    .map(HttpMethod::name)
                                    .sorted()
                                    .collect(Collectors.joining(", ")));
            send(ctx, request, response);
        } else if (request.content().isReadable()) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "requests here take no body\n"));
        } else {
            handler.handle(ctx, request, uri);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error from {}", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
