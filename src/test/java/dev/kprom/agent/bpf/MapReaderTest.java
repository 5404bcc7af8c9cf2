package dev.kprom.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import dev.kprom.testing.BpfTest;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Full reads of real kernel maps filled from Java: every key once, every value exact. */
@BpfTest
class MapReaderTest {
    /** Value stored for key k: distinct per key, and for per-CPU maps per CPU. */
    private static long valueOf(long key, int cpu) {
        return key * 1_000_003L + cpu;
    }

    private static void fill(BpfMap map, int n) {
        int cpus = map.cpus();
        int stride = map.cpuStride();
        try (Memory keys = new Memory((long) n * 8);
                Memory values = new Memory((long) n * stride * cpus)) {
            for (int i = 0; i < n; i++) {
                keys.setLong(i * 8L, i + 1);
                for (int c = 0; c < cpus; c++)
                    values.setLong((long) i * stride * cpus + (long) c * stride, valueOf(i + 1, c));
            }
            map.updateBatch(keys, values, n);
        }
    }

    /** Reads the map and checks every key 1..n appears exactly once with its exact per-CPU values. */
    private static void assertReadsExactly(MapReader reader, int n) {
        BitSet seen = new BitSet(n + 1);
        AtomicLong wrong = new AtomicLong();
        AtomicLong dupes = new AtomicLong();
        int cpus = reader.cpus();
        int stride = reader.cpuStride();
        long read = reader.forEach((keys, ko, values, vo) -> {
            long key = keys.getLong(ko);
            if (key < 1 || key > n) {
                wrong.incrementAndGet();
                return;
            }
            if (seen.get((int) key)) dupes.incrementAndGet();
            seen.set((int) key);
            for (int c = 0; c < cpus; c++) {
                if (values.getLong(vo + c * stride) != valueOf(key, c)) wrong.incrementAndGet();
            }
        });
        assertThat(read).isEqualTo(n);
        assertThat(seen.cardinality()).isEqualTo(n);
        assertThat(dupes.get()).isZero();
        assertThat(wrong.get()).isZero();
    }

    @Test
    void reads100kEntryHashCompletely() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "t_hash", 8, 8, 1_000_000)) {
            fill(map, 100_000);
            assertReadsExactly(map.reader(), 100_000);
        }
    }

    @Test
    void readsPerCpuValuesPerPossibleCpu() {
        try (BpfMap map = BpfMap.create(MapType.PERCPU_HASH, "t_pcpu", 8, 8, 200_000)) {
            assertThat(map.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
            fill(map, 100_000);
            assertReadsExactly(map.reader(), 100_000);
        }
    }

    @Test
    void perCpuValuesSmallerThan8BytesAreRoundedUpPerCpu() {
        try (BpfMap map = BpfMap.create(MapType.PERCPU_ARRAY, "t_pcpu4", 4, 4, 16)) {
            assertThat(map.cpuStride()).isEqualTo(8);
            assertThat(map.valueBufferSize()).isEqualTo(8 * map.cpus());
            assertThat(map.reader().forEach((k, ko, v, vo) -> {})).isEqualTo(16);
        }
    }

    @Test
    void growsTheBatchWhenABucketDoesNotFit() {
        // batch 1 fails with ENOSPC on the first bucket holding two keys; the reader must grow and go on
        try (BpfMap map = BpfMap.create(MapType.HASH, "t_enospc", 8, 8, 1_000_000)) {
            fill(map, 100_000);
            assertReadsExactly(new MapReader(map, 1), 100_000);
        }
    }

    @Test
    void readsArraysWhoseSizeIsAMultipleOfTheBatch() {
        // ARRAY quirk: a batch ending exactly at the end returns 0, and the next call ENOENT with no entries
        try (BpfMap map = BpfMap.create(MapType.ARRAY, "t_array", 4, 8, 8192)) {
            BitSet seen = new BitSet();
            long read = new MapReader(map, 4096).forEach((k, ko, v, vo) -> seen.set(k.getInt(ko)));
            assertThat(read).isEqualTo(8192);
            assertThat(seen.cardinality()).isEqualTo(8192);
        }
    }

    @Test
    void readsArraysThatEndInsideABatch() {
        try (BpfMap map = BpfMap.create(MapType.ARRAY, "t_array2", 4, 8, 1000)) {
            assertThat(new MapReader(map, 384).forEach((k, ko, v, vo) -> {})).isEqualTo(1000);
        }
    }

    @Test
    void readsAnEmptyHash() {
        try (BpfMap map = BpfMap.create(MapType.HASH, "t_empty", 8, 8, 1024)) {
            assertThat(map.reader().forEach((k, ko, v, vo) -> {})).isZero();
        }
    }

    @Test
    void keyByKeyFallbackReadsTheSameEntries() {
        try (BpfMap hash = BpfMap.create(MapType.HASH, "t_gnk", 8, 8, 20_000);
                BpfMap pcpu = BpfMap.create(MapType.PERCPU_HASH, "t_gnk_pcpu", 8, 8, 20_000)) {
            fill(hash, 10_000);
            fill(pcpu, 10_000);
            for (BpfMap map : new BpfMap[] {hash, pcpu}) {
                MapReader reader = map.reader();
                reader.useKeyByKey();
                assertReadsExactly(reader, 10_000);
                assertThat(reader.batchUnsupported()).isTrue();
            }
        }
    }
}
