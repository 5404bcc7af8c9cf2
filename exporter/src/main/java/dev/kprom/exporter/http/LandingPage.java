package dev.kprom.exporter.http;

/**
 * What the status page at {@code /} says of the daemon itself: its version, whether TLS and basic auth are on, and
 * the live event path (null when off). The probe sets come from the status source.
 */
public record LandingPage(String version, boolean tls, boolean basicAuth, String eventsPath) {
    public LandingPage(String version, boolean tls, boolean basicAuth) {
        this(version, tls, basicAuth, null);
    }

    public LandingPage(String version) {
        this(version, false, false, null);
    }
}
