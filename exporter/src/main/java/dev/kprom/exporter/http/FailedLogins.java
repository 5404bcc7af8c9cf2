package dev.kprom.exporter.http;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed basic-auth attempts by client address, over a sliding window: an address that failed {@code max} times
 * within {@code windowNanos} is refused without a bcrypt check until the window passes. A password flood then
 * costs one bcrypt per few attempts instead of one per attempt, and cannot take the scrape threads from
 * Prometheus. Bounded: the addresses seen longest ago are forgotten first.
 */
final class FailedLogins {
    static final int MAX_FAILURES = 5;
    static final long WINDOW_NANOS = 10_000_000_000L;
    private static final int ADDRESSES = 4096;

    private record Window(long start, int failures) {}

    private final LongSupplier clock;
    private final Map<InetAddress, Window> windows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Window> eldest) {
            return size() > ADDRESSES;
        }
    };

    FailedLogins(LongSupplier clock) {
        this.clock = clock;
    }

    /** Whether {@code from} has failed too often lately to be checked at all. */
    synchronized boolean blocked(InetAddress from) {
        Window w = windows.get(from);
        if (w == null) return false;
        if (clock.getAsLong() - w.start() >= WINDOW_NANOS) {
            windows.remove(from);
            return false;
        }
        return w.failures() >= MAX_FAILURES;
    }

    synchronized void failed(InetAddress from) {
        long now = clock.getAsLong();
        Window w = windows.get(from);
        windows.put(
                from,
                w == null || now - w.start() >= WINDOW_NANOS
                        ? new Window(now, 1)
                        : new Window(w.start(), w.failures() + 1));
    }
}
