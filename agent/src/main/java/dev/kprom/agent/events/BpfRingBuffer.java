package dev.kprom.agent.events;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.exporter.events.RecordHandler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code BPF_MAP_TYPE_RINGBUF}, mmap'd as the kernel lays it out: the consumer page (read-write, holding
 * {@code consumer_pos}), then the producer page ({@code producer_pos}) and the data, mapped read-only and twice in
 * a row so that no record is ever split at the end. Each record has an 8-byte header {@code {u32 len; u32 pg_off;}}
 * whose {@code len} carries a busy bit (reserved, not yet committed: stop there) and a discard bit (skip it).
 * Reads follow libbpf's {@code ringbuf_process_ring}: acquire {@code producer_pos}, acquire each header, release
 * {@code consumer_pos} once records are handled, every few KiB rather than after each record.
 */
final class BpfRingBuffer extends Ring {
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;

    private final String name;
    private final Pointer consumerPage;
    private final Pointer producerPages;
    private final long producerSize;
    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final ByteBuffer data;
    private final long mask;
    /**
     * Space goes back to the producer after this many bytes of records (4 KiB, or a quarter of a smaller ring), not
     * after each record as in libbpf: the producer reads {@code consumer_pos} at every reserve, so each store
     * would pull that cache line across CPUs.
     */
    private final long releaseBytes;

    private BpfRingBuffer(String name, Pointer consumerPage, Pointer producerPages, long producerSize, int size) {
        int page = LibC.getpagesize();
        this.name = name;
        this.consumerPage = consumerPage;
        this.producerPages = producerPages;
        this.producerSize = producerSize;
        this.consumer = consumerPage.getByteBuffer(0, page).order(ByteOrder.nativeOrder());
        this.producer = producerPages.getByteBuffer(0, page).order(ByteOrder.nativeOrder());
        this.data = producerPages.getByteBuffer(page, 2L * size).order(ByteOrder.nativeOrder());
        this.mask = size - 1;
        this.releaseBytes = Math.min(4096, size / 4);
    }

    /** Maps the ring buffer map {@code mapFd} of {@code size} bytes ({@code max_entries}: a power of 2, page multiple). */
    static BpfRingBuffer open(String name, int mapFd, int size) {
        int page = LibC.getpagesize();
        if (size < page || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException(
                    "ring buffer " + name + ": size must be a power of 2 of at least a page (got " + size + ")");
        }
        Pointer consumer = LibC.mmap(null, page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, mapFd, 0);
        if (Pointer.nativeValue(consumer) == -1)
            throw new BpfException("mmap consumer page of ring buffer " + name, Native.getLastError());
        long producerSize = page + 2L * size;
        Pointer producer = LibC.mmap(null, producerSize, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, page);
        if (Pointer.nativeValue(producer) == -1) {
            int errno = Native.getLastError();
            LibC.munmap(consumer, page);
            throw new BpfException("mmap data of ring buffer " + name + " (" + size + " bytes)", errno);
        }
        return new BpfRingBuffer(name, consumer, producer, producerSize, size);
    }

    /** None: the map fd polls readable while any data is left, which would turn timed draining into spinning. */
    @Override
    int pollFd() {
        return -1;
    }

    @Override
    int index() {
        return 0;
    }

    @Override
    long capacity() {
        return mask + 1;
    }

    @Override
    long drain(RecordHandler handler) {
        long cons = consumer.getLong(0); // only this thread writes it
        long start = cons;
        long released = cons;
        int records = 0;
        int failures = 0;
        taking:
        for (long prod = (long) LONGS.getAcquire(producer, 0);
                cons < prod;
                prod = (long) LONGS.getAcquire(producer, 0)) {
            do {
                int at = (int) (cons & mask);
                int len = (int) INTS.getAcquire(data, at);
                if ((len & BUSY) != 0)
                    break taking; // reserved but not committed yet: records after it wait for the next drain
                int size = len & ~(BUSY | DISCARD);
                long next = cons + ((size + HEADER + 7) & ~7L);
                if (size > mask + 1 - HEADER || next > prod) {
                    // cannot happen with a sane kernel: never move past the producer; skip to it instead
                    corrupted();
                    cons = prod;
                    break taking;
                }
                if ((len & DISCARD) == 0) {
                    try {
                        handler.record(0, data, at + HEADER, size);
                        records++;
                    } catch (RuntimeException e) {
                        failures++;
                    }
                }
                cons = next;
                if (cons - released >= releaseBytes) {
                    LONGS.setRelease(consumer, 0, cons);
                    released = cons;
                }
            } while (cons < prod);
        }
        if (cons != released) LONGS.setRelease(consumer, 0, cons);
        counted(records, 0, failures);
        return cons - start;
    }

    /** A ring buffer over memory laid out as the kernel's, not mapped from a map: tests. */
    static BpfRingBuffer over(String name, Pointer consumerPage, Pointer producerPages, int size) {
        return new BpfRingBuffer(name, consumerPage, producerPages, -1, size);
    }

    @Override
    public void close() {
        if (producerSize < 0) return; // over memory the caller owns
        LibC.munmap(producerPages, producerSize);
        LibC.munmap(consumerPage, LibC.getpagesize());
    }

    @Override
    public String toString() {
        return "ring buffer " + name;
    }
}
