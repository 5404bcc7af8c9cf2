package dev.kprom.exporter.http;

import java.time.Duration;

/**
 * Bounds on what one client can hold: open connections, time to send a whole request once it started (a slow
 * client cannot pin a connection), and time a kept-alive connection may sit idle between requests.
 */
public record HttpLimits(int maxConnections, Duration readTimeout, Duration idleTimeout) {
    public static final HttpLimits DEFAULT = new HttpLimits(256, Duration.ofSeconds(10), Duration.ofSeconds(120));
}
