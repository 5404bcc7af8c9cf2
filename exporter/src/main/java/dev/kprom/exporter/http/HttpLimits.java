package dev.kprom.exporter.http;

import java.time.Duration;

/**
 * Bounds on what clients can hold: open connections (in all, and from one address), time to send a whole request
 * from when the connection opened or the request's first byte came (a silent or slow client cannot pin a
 * connection), time a kept-alive connection may sit idle between requests, time a response may take to be
 * written (a client that does not read is closed), and requests a client may send ahead of their answers.
 */
public record HttpLimits(
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration readTimeout,
        Duration idleTimeout,
        Duration writeTimeout,
        int maxPipelined) {
    public static final HttpLimits DEFAULT =
            new HttpLimits(256, 32, Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(30), 16);

    /** The default per-address, write and pipelining bounds with these three. */
    public HttpLimits(int maxConnections, Duration readTimeout, Duration idleTimeout) {
        this(
                maxConnections,
                DEFAULT.maxConnectionsPerAddress,
                readTimeout,
                idleTimeout,
                DEFAULT.writeTimeout,
                DEFAULT.maxPipelined);
    }
}
