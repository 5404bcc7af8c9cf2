package dev.kprom.exporter.http;

import java.util.concurrent.CompletableFuture;

/**
 * Reloads the configuration on request ({@code POST /-/reload}): completes with a summary, or fails with why; null
 * when reloading over HTTP is not enabled.
 */
@FunctionalInterface
public interface Reloader {
    CompletableFuture<String> reload();
}
