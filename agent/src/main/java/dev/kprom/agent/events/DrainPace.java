package dev.kprom.agent.events;

/**
 * How long one drain thread sleeps after each drain. The configured interval is the longest a record waits; a ring
 * filling fast is drained sooner, before it is a quarter full at its recent fill rate, so that a burst or a stalled
 * thread still finds three quarters of the ring free; a ring filling slowly waits out the interval, many records a
 * wakeup (a wakeup costs ~15-25 µs of CPU on a VM). An idle ring that can wake its thread itself (a perf ring's
 * watermark) waits longer and longer, up to {@code idleMs}. Used by the drain thread only.
 */
final class DrainPace {
    /** A ring is drained before it holds more than 1/SHARE of its capacity, at its recent fill rate. */
    static final int SHARE = 4;

    private final int intervalMs;
    private final int idleMs;
    private final long capacity;
    private long lastDrain;
    private double bytesPerMs;
    private int timeoutMs;

    /**
     * {@code intervalMs}: the longest sleep while records come; {@code idleMs}: the longest while none come (the
     * interval again for a ring that cannot wake its thread); {@code capacity}: the ring's bytes; {@code now}: when
     * the ring was last emptied, in {@link System#nanoTime()} units.
     */
    DrainPace(int intervalMs, int idleMs, long capacity, long now) {
        if (intervalMs < 1 || idleMs < intervalMs)
            throw new IllegalArgumentException("interval " + intervalMs + " ms, idle " + idleMs + " ms");
        this.intervalMs = intervalMs;
        this.idleMs = idleMs;
        this.capacity = capacity;
        this.lastDrain = now;
        this.timeoutMs = intervalMs;
    }

    /** After a drain at {@code now} that freed {@code bytes}: the milliseconds to sleep before the next one. */
    int next(long bytes, long now) {
        long elapsedNs = Math.max(now - lastDrain, 1);
        lastDrain = now;
        if (bytes == 0) {
            bytesPerMs /= 2;
            timeoutMs = (int) Math.min(2L * timeoutMs, idleMs);
            return timeoutMs;
        }
        // the rate of this drain, or half the one before if that was higher: quick to follow a burst, slower to
        // trust a lull
        bytesPerMs = Math.max(bytes * 1e6 / elapsedNs, bytesPerMs / 2);
        double untilShare = capacity / (double) SHARE / bytesPerMs;
        timeoutMs = (int) Math.max(1, Math.min(intervalMs, untilShare));
        return timeoutMs;
    }
}
