package dev.kprom.exporter.collect;

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

    private ScrapeDeadline() {}

    /**
     * Sets the deadline for a scrape with the given timeout in seconds; a request without one (or with one that is
     * not a positive number) gets {@link #DEFAULT_TIMEOUT_SECONDS}, so that no scrape waits for a map forever.
     */
    public static void start(String timeoutSeconds) {
        double s = parse(timeoutSeconds);
        if (!(s > 0)) s = Double.parseDouble(DEFAULT_TIMEOUT_SECONDS);
        DEADLINE.set(System.nanoTime() + (long) (s * READ_SHARE * 1e9));
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
    }

    /** Nanoseconds left, or Long.MAX_VALUE outside a scrape. */
    static long remainingNanos() {
        Long d = DEADLINE.get();
        return d == null ? Long.MAX_VALUE : Math.max(0, d - System.nanoTime());
    }
}
