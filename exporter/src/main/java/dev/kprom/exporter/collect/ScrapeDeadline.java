package dev.kprom.exporter.collect;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The deadline of the scrape being served on this thread, from Prometheus' X-Prometheus-Scrape-Timeout-Seconds
 * less a margin for rendering. The HTTP handler sets it around one scrape; collectors ask how long they may wait.
 */
public final class ScrapeDeadline {
    /** Share of the scrape timeout given to map reads; the rest is for rendering and the network. */
    static final double READ_SHARE = 0.8;

    /** The scrape timeout assumed when a request names none: Prometheus' own default scrape_timeout. */
    static final String DEFAULT_TIMEOUT_SECONDS = "10";

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();
    /** Which scrape this thread serves (or reads a map for): a number of its own per scrape. */
    private static final ThreadLocal<Long> SCRAPE = new ThreadLocal<>();

    private static final AtomicLong SCRAPES = new AtomicLong();

    private ScrapeDeadline() {}

    /**
     * Sets the deadline for a scrape with the given timeout in seconds; a request without one (or with one that is
     * not a positive number) gets {@link #DEFAULT_TIMEOUT_SECONDS}, so that no scrape waits for a map forever.
     */
    public static void start(String timeoutSeconds) {
        double s = parse(timeoutSeconds);
        if (!(s > 0)) s = Double.parseDouble(DEFAULT_TIMEOUT_SECONDS);
        DEADLINE.set(System.nanoTime() + (long) (s * READ_SHARE * 1e9));
        SCRAPE.set(SCRAPES.incrementAndGet());
    }

    /**
     * The scrape this thread serves, a number no other scrape has; 0 outside one. A source read by several metrics
     * (an iterator) reads once for all of one scrape's.
     */
    public static long scrape() {
        Long s = SCRAPE.get();
        return s == null ? 0 : s;
    }

    /** Runs {@code body} as part of scrape {@code scrape} (a map read on a reader thread for it). */
    static <T> T within(long scrape, Supplier<T> body) {
        if (scrape == 0) return body.get();
        SCRAPE.set(scrape);
        try {
            return body.get();
        } finally {
            SCRAPE.remove();
        }
    }

    private static double parse(String seconds) {
        if (seconds == null) return 0;
        try {
            return Double.parseDouble(seconds.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static void end() {
        DEADLINE.remove();
        SCRAPE.remove();
    }

    /** Nanoseconds left, or Long.MAX_VALUE outside a scrape. */
    static long remainingNanos() {
        Long d = DEADLINE.get();
        return d == null ? Long.MAX_VALUE : Math.max(0, d - System.nanoTime());
    }
}
