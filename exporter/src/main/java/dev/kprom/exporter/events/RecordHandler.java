package dev.kprom.exporter.events;

import java.nio.ByteBuffer;

/**
 * Receives the records a drain thread takes from one ring. Called only from that ring's thread, so an
 * implementation shared by several rings sees concurrent calls with different {@code ring} numbers, never two
 * at once for the same ring. Never throws: a record it cannot use is counted and skipped.
 */
public interface RecordHandler {
    /**
     * One record: {@code length} bytes at {@code offset} of {@code buf} (native byte order), valid only during the
     * call. A perf sample's length includes the kernel's padding to 8 bytes, so it may exceed the C struct's size.
     * {@code ring} is the CPU of a perf ring, 0 for a BPF ring buffer.
     */
    void record(int ring, ByteBuffer buf, int offset, int length);

    /** A drain pass of {@code ring} begins: the records that follow arrived by now. */
    default void draining(int ring) {}

    /** The kernel dropped {@code count} records because the ring was full. */
    default void lost(int ring, long count) {}

    /** No records: for readers that only count. */
    RecordHandler NONE = (ring, buf, offset, length) -> {};
}
