package dev.kprom.exporter.http;

import static dev.kprom.exporter.http.Responses.json;
import static dev.kprom.exporter.http.Responses.send;
import static dev.kprom.exporter.http.Responses.text;

import dev.kprom.exporter.status.StatusSource;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The paths that tell how kprom is: {@code /healthz} (alive), {@code /readyz} and {@code /probes} (from its status). */
final class StatusPaths {
    private StatusPaths() {}

    /** 200 while the process serves at all. */
    static PathHandler health() {
        return (ctx, request, uri) -> send(ctx, request, text(HttpResponseStatus.OK, "ok\n"));
    }

    /** 200 once the daemon says it is ready, else 503. */
    static PathHandler ready(StatusSource status) {
        return (ctx, request, uri) -> send(
                ctx,
                request,
                status.ready()
                        ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n"));
    }

    /** JSON: each probe set, its attach choices and its maps' last reads. */
    static PathHandler probes(StatusSource status) {
        return (ctx, request, uri) -> send(ctx, request, json(status.probes()));
    }
}
