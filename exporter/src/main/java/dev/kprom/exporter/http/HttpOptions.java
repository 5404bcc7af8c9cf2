package dev.kprom.exporter.http;

import io.netty.handler.ssl.SslContext;

/** How the server runs: its limits, TLS (null: plain HTTP) and basic auth (null: none). */
public record HttpOptions(HttpLimits limits, SslContext tls, BasicAuth auth) {
    public static final HttpOptions PLAIN = new HttpOptions(HttpLimits.DEFAULT, null, null);
}
