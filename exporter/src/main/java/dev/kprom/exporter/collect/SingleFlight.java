package dev.kprom.exporter.collect;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * At most one read of a map at a time: a scrape that arrives while a read runs waits for that read instead of
 * starting another, and each waits only until its own deadline. A read that overruns goes on in the background;
 * the scrape that gave up returns without it.
 */
final class SingleFlight<T> {
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Reads run here, off the scrape thread, so that a scrape can stop waiting; daemon threads, one per busy map. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kprom-map-read-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final AtomicReference<CompletableFuture<T>> inflight = new AtomicReference<>();

    /** The result of a read started now or already running; null if the deadline passed first. */
    T get(Supplier<T> read, long timeoutNanos) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> running = inflight.compareAndExchange(null, mine);
        if (running == null) {
            running = mine;
            long scrape = ScrapeDeadline.scrape();
            READERS.execute(() -> {
                T value = null;
                Throwable error = null;
                try {
                    value = ScrapeDeadline.within(scrape, read);
                } catch (RuntimeException | Error e) {
                    error = e;
                }
                inflight.compareAndSet(mine, null); // before completing: a caller woken by it must start a new read
                if (error == null) mine.complete(value);
                else mine.completeExceptionally(error);
            });
        }
        try {
            return timeoutNanos == Long.MAX_VALUE ? running.get() : running.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
