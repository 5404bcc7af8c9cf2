package dev.kprom.agent.events;

import com.sun.jna.Memory;
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
 * One CPU's perf ring for {@code bpf_perf_event_output}: a {@code PERF_COUNT_SW_BPF_OUTPUT} event opened on that
 * CPU and mmap'd (one metadata page, then {@code pages} data pages). The kernel appends records and publishes
 * {@code data_head}; this reads up to it (acquire), hands samples to the handler, counts
 * {@code PERF_RECORD_LOST}, and publishes {@code data_tail} (release) so the kernel can reuse the space. A record
 * that runs past the end of the ring is copied into one piece first.
 * <p>
 * The kernel wakes the reader only when the ring is half full ({@code wakeup_watermark}), never per event:
 * libbpf's default of one wakeup per event costs ~10 µs of IPI per event on a VM.
 */
final class PerfRing extends Ring {
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    // struct perf_event_mmap_page
    private static final int DATA_HEAD = 1024;
    private static final int DATA_TAIL = 1032;
    private static final int DATA_OFFSET = 1040;
    private static final int DATA_SIZE = 1048;
    // struct perf_event_header { u32 type; u16 misc; u16 size; }
    private static final int PERF_RECORD_LOST = 2;
    private static final int PERF_RECORD_SAMPLE = 9;
    // perf_event_attr and perf_event_open(2)
    private static final int ATTR_SIZE = 112; // PERF_ATTR_SIZE_VER5
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final int PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1L << 10;
    private static final long ATTR_WATERMARK = 1L << 14;
    private static final long PERF_EVENT_IOC_ENABLE = 0x2400;

    private final int cpu;
    private final int fd;
    private final Pointer base;
    private final long mmapSize;
    private final ByteBuffer meta;
    private final ByteBuffer data;
    private final int mask;
    private ByteBuffer scratch = ByteBuffer.allocateDirect(256)
            .order(ByteOrder.nativeOrder()); // direct like the ring: one ByteBuffer class reaches handlers
    private volatile long wrapped;

    private PerfRing(int cpu, int fd, Pointer base, long mmapSize) {
        this.cpu = cpu;
        this.fd = fd;
        this.base = base;
        this.mmapSize = mmapSize;
        this.meta = base.getByteBuffer(0, LibC.getpagesize()).order(ByteOrder.nativeOrder());
        long offset = meta.getLong(DATA_OFFSET);
        long size = meta.getLong(DATA_SIZE);
        if (size == 0) { // kernels before 4.1 leave these 0: data starts at the second page
            offset = LibC.getpagesize();
            size = mmapSize - offset;
        }
        this.data = base.getByteBuffer(offset, size).order(ByteOrder.nativeOrder());
        this.mask = (int) size - 1;
    }

    /**
     * Opens and maps the ring of {@code cpu} with {@code pages} data pages (a power of two). Throws a
     * {@link BpfException} with errno ENODEV for an offline CPU.
     */
    static PerfRing open(int cpu, int pages) {
        if (pages <= 0 || Integer.bitCount(pages) != 1)
            throw new IllegalArgumentException("perf ring pages must be a power of 2 (got " + pages + ")");
        int pageSize = LibC.getpagesize();
        int fd;
        try (Memory attr = new Memory(ATTR_SIZE)) {
            attr.clear();
            attr.setInt(0, PERF_TYPE_SOFTWARE);
            attr.setInt(4, ATTR_SIZE);
            attr.setLong(8, PERF_COUNT_SW_BPF_OUTPUT);
            attr.setLong(16, 1); // sample_period: every output is a sample
            attr.setLong(24, PERF_SAMPLE_RAW);
            attr.setLong(40, ATTR_WATERMARK);
            attr.setInt(48, pages * pageSize / 2); // wakeup_watermark: wake the reader at half full
            fd = LibC.perf_event_open(attr, -1, cpu, -1, LibC.PERF_FLAG_FD_CLOEXEC);
            if (fd < 0)
                throw new BpfException(
                        "perf_event_open(PERF_COUNT_SW_BPF_OUTPUT) on CPU " + cpu, Native.getLastError());
        }
        long mmapSize = (long) (pages + 1) * pageSize;
        Pointer base = LibC.mmap(null, mmapSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        if (Pointer.nativeValue(base) == -1) {
            int errno = Native.getLastError();
            LibC.close(fd);
            throw new BpfException("mmap perf ring of CPU " + cpu + " (" + pages + " pages)", errno);
        }
        if (LibC.ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
            int errno = Native.getLastError();
            LibC.munmap(base, mmapSize);
            LibC.close(fd);
            throw new BpfException("enable perf event on CPU " + cpu, errno);
        }
        return new PerfRing(cpu, fd, base, mmapSize);
    }

    /** The perf event's fd: the value to store at key {@code cpu} of the PERF_EVENT_ARRAY. */
    int fd() {
        return fd;
    }

    @Override
    int pollFd() {
        return fd;
    }

    @Override
    int index() {
        return cpu;
    }

    @Override
    long capacity() {
        return mask + 1;
    }

    @Override
    long drain(RecordHandler handler) {
        long head = (long) LONGS.getAcquire(meta, DATA_HEAD);
        long start = meta.getLong(DATA_TAIL); // only this thread writes it
        if (head == start) return 0;
        long tail = start;
        int samples = 0;
        int failures = 0;
        long dropped = 0;
        int ringSize = mask + 1;
        while (tail < head) {
            int at = (int) (tail & mask);
            long header = data.getLong(at); // one read for { u32 type; u16 misc; u16 size; }
            int type = LITTLE_ENDIAN ? (int) header : (int) (header >>> 32);
            int size = (int) (LITTLE_ENDIAN ? header >>> 48 : header) & 0xffff;
            if (size < 8 || (size & 7) != 0 || size > ringSize || size > head - tail) {
                // cannot happen with a sane kernel: where the next record starts is unknown, so skip all there is
                corrupted();
                tail = head;
                break;
            }
            ByteBuffer record = data;
            if (at + size > ringSize) { // the record wraps: its header never does (records are 8-byte aligned)
                record = unwrap(at, size, ringSize);
                at = 0;
                wrapped++;
            }
            if (type == PERF_RECORD_SAMPLE) {
                int raw = record.getInt(at + 8); // { header; u32 size; char data[size]; }
                if (raw < 0 || raw > size - 12) {
                    corrupted(); // a sample larger than its record: skip it, the next record is where size says
                } else {
                    try {
                        handler.record(cpu, record, at + 12, raw);
                        samples++;
                    } catch (RuntimeException e) {
                        failures++;
                    }
                }
            } else if (type == PERF_RECORD_LOST) {
                long n = record.getLong(at + 16); // { header; u64 id; u64 lost; }
                dropped += n;
                handler.lost(cpu, n);
            }
            tail += size;
        }
        LONGS.setRelease(meta, DATA_TAIL, tail);
        counted(samples, dropped, failures);
        return tail - start;
    }

    private ByteBuffer unwrap(int at, int size, int ringSize) {
        if (scratch.capacity() < size)
            scratch = ByteBuffer.allocateDirect(Integer.highestOneBit(size) * 2).order(ByteOrder.nativeOrder());
        int first = ringSize - at;
        scratch.put(0, data, at, first);
        scratch.put(first, data, 0, size - first);
        return scratch;
    }

    /** Records that straddled the end of the ring and were copied into one piece. */
    long wrapped() {
        return wrapped;
    }

    /** A ring over memory laid out as the kernel's (metadata page, then data), not mapped from a perf event: tests. */
    static PerfRing over(int cpu, Pointer base, long size) {
        return new PerfRing(cpu, -1, base, size);
    }

    @Override
    public void close() {
        if (fd < 0) return; // over memory the caller owns
        LibC.munmap(base, mmapSize);
        LibC.close(fd);
    }
}
