package dev.kprom.exporter.collect;

/**
 * The deadline of the scrape being served on this thread, from Prometheus' X-Prometheus-Scrape-Timeout-Seconds
 * less a margin for rendering. The HTTP handler sets it around one scrape; collectors ask how long they may wait.
 */
public final class ScrapeDeadline {
    /** Share of the scrape timeout given to map reads; the rest is for rendering and the network. */
    static final double READ_SHARE = 0.8;

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private ScrapeDeadline() {}

    /** Sets the deadline for a scrape with the given timeout in seconds (null, unparseable or <= 0: none). */
    public static void start(String timeoutSeconds) {
        DEADLINE.remove();
        if (timeoutSeconds == null) return;
        try {
            double s = Double.parseDouble(timeoutSeconds.trim());
            if (s > 0) DEADLINE.set(System.nanoTime() + (long) (s * READ_SHARE * 1e9));
        } catch (NumberFormatException ignored) {
            // no deadline rather than a wrong one
        }
    }

    public static void end() {
        DEADLINE.remove();
    }

    /** Nanoseconds left, or Long.MAX_VALUE with no deadline. */
    static long remainingNanos() {
        Long d = DEADLINE.get();
        return d == null ? Long.MAX_VALUE : Math.max(0, d - System.nanoTime());
    }
}
