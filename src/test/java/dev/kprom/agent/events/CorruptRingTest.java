package dev.kprom.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.exporter.events.RecordHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rings laid out in memory as the kernel lays them out, with headers no sane kernel writes: a drain skips to the
 * producer, counts it, and the next records are read as usual; it never stalls, never throws, never passes the
 * producer.
 */
class CorruptRingTest {
    private static final int PAGE = LibC.getpagesize();
    private static final int DATA = 4096;
    private final List<Memory> memory = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();
    private final RecordHandler handler = (ring, buf, offset, length) -> seen.add(length + ":" + buf.get(offset));

    private Memory allocate(long size) {
        Memory m = new Memory(size);
        m.clear();
        memory.add(m);
        return m;
    }

    @AfterEach
    void free() {
        memory.forEach(Memory::close);
    }

    // perf: { u32 type; u16 misc; u16 size; } then, for a sample, { u32 size; char data[]; }, 8-byte aligned

    private Memory perfMemory() {
        Memory m = allocate(PAGE + DATA);
        m.setLong(1040, PAGE); // data_offset
        m.setLong(1048, DATA); // data_size
        return m;
    }

    /** Writes a record header at {@code at} with the given size, and a sample of {@code raw} bytes of value v. */
    private static void perfSample(Memory m, long at, int size, int raw, byte v) {
        long p = PAGE + at;
        m.setInt(p, 9); // PERF_RECORD_SAMPLE
        m.setShort(p + 4, (short) 0);
        m.setShort(p + 6, (short) size);
        m.setInt(p + 8, raw);
        if (raw > 0 && 12 + raw <= size) m.setByte(p + 12, v);
    }

    @Test
    void perfHeadersThatCannotBeRightSkipToTheHeadAndDrainingGoesOn() {
        Memory m = perfMemory();
        PerfRing ring = PerfRing.over(0, m, PAGE + DATA);
        perfSample(m, 0, 24, 4, (byte) 1); // fine
        perfSample(m, 24, 0, 0, (byte) 0); // size 0: would never advance
        m.setLong(1024, 64); // data_head
        assertThat(ring.drain(handler)).isEqualTo(64);
        assertThat(m.getLong(1032))
                .as("data_tail at the head, not stuck at the bad header")
                .isEqualTo(64);
        assertThat(seen).containsExactly("4:1");

        perfSample(m, 64, DATA * 2, 4, (byte) 2); // larger than the ring
        m.setLong(1024, 96);
        ring.drain(handler);
        assertThat(m.getLong(1032)).isEqualTo(96);

        perfSample(m, 96, 24, 400, (byte) 3); // a sample larger than its record: skipped alone
        perfSample(m, 120, 24, 4, (byte) 4);
        m.setLong(1024, 144);
        ring.drain(handler);
        assertThat(m.getLong(1032)).isEqualTo(144);
        assertThat(seen).containsExactly("4:1", "4:4");
        assertThat(ring.corrupt()).isEqualTo(3);
        assertThat(ring.received()).isEqualTo(2);
    }

    // ring buffer: { u32 len (BUSY, DISCARD bits); u32 pg_off; } then data, 8-byte aligned; positions in u64s

    @Test
    void aRingBufferLengthThatCannotBeRightNeverMovesTheConsumerPastTheProducer() {
        Memory consumer = allocate(PAGE);
        Memory producer = allocate(PAGE + 2L * DATA);
        BpfRingBuffer ring = BpfRingBuffer.over("test", consumer, producer, DATA);
        producer.setInt(PAGE, 4); // a 4-byte record at 0
        producer.setByte(PAGE + 8, (byte) 7);
        producer.setInt(PAGE + 16, 1 << 20); // then a length larger than the ring
        producer.setLong(0, 40); // producer_pos
        assertThat(ring.drain(handler)).isEqualTo(40);
        assertThat(consumer.getLong(0)).isEqualTo(40);
        assertThat(seen).containsExactly("4:7");

        producer.setInt(PAGE + 40, 100); // a length that runs past what the producer published
        producer.setLong(0, 56);
        ring.drain(handler);
        assertThat(consumer.getLong(0)).as("at the producer, never past it").isEqualTo(56);

        producer.setInt(PAGE + 56, 4); // and a good record after
        producer.setByte(PAGE + 64, (byte) 9);
        producer.setLong(0, 72);
        ring.drain(handler);
        assertThat(consumer.getLong(0)).isEqualTo(72);
        assertThat(seen).containsExactly("4:7", "4:9");
        assertThat(ring.corrupt()).isEqualTo(2);
    }
}
