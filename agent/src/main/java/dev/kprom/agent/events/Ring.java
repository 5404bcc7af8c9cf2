package dev.kprom.agent.events;

import dev.kprom.exporter.events.RecordHandler;

/** One mmap'd ring that a single drain thread empties. */
interface Ring extends AutoCloseable {
    /**
     * An fd that polls readable when the kernel wakes the reader because the ring filled past its watermark, or -1
     * when the ring has no such edge (a ring buffer polls readable whenever it holds data, so its thread sleeps).
     */
    int pollFd();

    /** The ring's number in thread names and self-metrics: its CPU for perf rings, 0 for a ring buffer. */
    int index();

    /** Hands every complete record to {@code handler} and frees their space; returns how many records it took. */
    int drain(RecordHandler handler);

    /** The last drain took at least half the ring: drain again at once rather than sleep. */
    boolean backlogged();

    /** Records a handler threw on (a bug in the handler; the record is skipped). */
    long failed();

    /** Records handed to a handler so far (written by the drain thread, readable from any thread). */
    long received();

    /** Records the kernel reported dropped because the ring was full. */
    long lost();

    @Override
    void close();
}
