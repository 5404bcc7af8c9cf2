package dev.kprom.exporter.http;

import static dev.kprom.exporter.http.Responses.send;
import static dev.kprom.exporter.http.Responses.text;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /-/reload} (or PUT), as in Prometheus' lifecycle API: reloads the configuration and answers 200 with
 * what changed, or 500 with every error (the running configuration stays). Off unless enabled: then 403. The
 * request is answered when the reload ends, without holding a server thread meanwhile.
 */
final class ReloadPath implements PathHandler {
    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT);
    private final Reloader reloader;

    /** {@code reloader} null, or one that answers null: the lifecycle API is off. */
    ReloadPath(Reloader reloader) {
        this.reloader = reloader;
    }

    @Override
    public Set<HttpMethod> methods() {
        return METHODS;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        CompletableFuture<String> reload = reloader == null ? null : reloader.reload();
        if (reload == null) {
            send(
                    ctx,
                    request,
                    text(
                            HttpResponseStatus.FORBIDDEN,
                            "the lifecycle API is not enabled (set enable_lifecycle: true in kprom.yaml)\n"));
            return;
        }
        request.retain(); // answered later, from the reloading thread
        reload.whenComplete((summary, error) -> {
            try {
                if (error == null) {
                    send(ctx, request, text(HttpResponseStatus.OK, summary + "\n"));
                } else {
                    Throwable cause =
                            error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    send(
                            ctx,
                            request,
                            text(
                                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                    "reload refused: " + cause.getMessage() + "\n"));
                }
            } finally {
                request.release();
            }
        });
    }
}
