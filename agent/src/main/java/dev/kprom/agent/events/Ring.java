package dev.kprom.agent.events;

import dev.kprom.exporter.events.RecordHandler;

/**
 * One mmap'd ring that a single drain thread empties, and what its drains counted. Counts are written only by
 * the drain thread, once per drain, and read from any thread.
 */
abstract class Ring implements AutoCloseable {
    private volatile long received;
    private volatile long lost;
    private volatile long failed;
    private volatile long corrupt;

    /**
     * An fd that polls readable when the kernel wakes the reader because the ring filled past its watermark, or -1
     * when the ring has no such edge (a ring buffer polls readable whenever it holds data, so its thread sleeps).
     */
    abstract int pollFd();

    /** The ring's number in thread names and self-metrics: its CPU for perf rings, 0 for a ring buffer. */
    abstract int index();

    /** The ring's data area in bytes: what the kernel can write before the reader frees space. */
    abstract long capacity();

    /** Hands every complete record to {@code handler} and frees their space; returns the bytes of ring it freed. */
    abstract long drain(RecordHandler handler);

    /** Adds one drain's counts. */
    protected final void counted(int records, long dropped, int handlerFailures) {
        if (records > 0) received += records;
        if (dropped > 0) lost += dropped;
        if (handlerFailures > 0) failed += handlerFailures;
    }

    /**
     * A header that cannot be right (a size below a header, past the ring or past what the producer published):
     * the drain skips to where the producer stands rather than stall or run past it, and this counts it.
     */
    protected final void corrupted() {
        corrupt++;
    }

    /** Times a drain found a corrupt header and skipped to the producer (kprom_events_corrupt_total). */
    final long corrupt() {
        return corrupt;
    }

    /** Records a handler threw on (a bug in the handler; the record is skipped). */
    final long failed() {
        return failed;
    }

    /** Records handed to a handler so far. */
    final long received() {
        return received;
    }

    /** Records the kernel reported dropped because the ring was full (perf rings only: ring buffers keep no count). */
    final long lost() {
        return lost;
    }

    @Override
    public abstract void close();
}
