import com.sun.jna.Memory;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.MapReader;
import dev.kprom.agent.bpf.MapType;
import java.util.Arrays;

/**
 * Full reads of HASH and PERCPU_HASH maps (u64 key, u64 value, max_entries 1M, filled with keys 1..N) through
 * kprom's MapReader, the same maps and sizes as ../shared/baselines/map_read. Every key and every per-CPU value
 * is read by the visitor (summed), as a collector would. Prints one RESULT line per measurement, median of reps.
 *
 *   java -cp target/kprom.jar bench/java/MapReadBench.java [reps]
 */
public final class MapReadBench {
    static long sink;

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] sizes = {100_000, 1_000_000};
        for (MapType type : new MapType[] {MapType.HASH, MapType.PERCPU_HASH}) {
            try (BpfMap map = BpfMap.create(type, "bench", 8, 8, 1_000_000)) {
                int filled = 0;
                for (int n : sizes) {
                    fill(map, filled, n);
                    filled = n;
                    MapReader reader = map.reader();
                    for (int w = 0; w < 3; w++) read(reader, n); // JIT warm-up
                    double[] t = new double[reps];
                    for (int r = 0; r < reps; r++) {
                        long t0 = System.nanoTime();
                        read(reader, n);
                        t[r] = System.nanoTime() - t0;
                    }
                    Arrays.sort(t);
                    double med = reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
                    System.out.printf(
                            "RESULT tool=kprom map=%s max=1000000 n=%d method=kprom_reader reps=%d us_per_read=%.1f ns_per_entry=%.1f%n",
                            type == MapType.HASH ? "hash" : "percpu_hash", n, reps, med / 1e3, med / n);
                }
            }
        }
        if (sink == 42) System.out.println();
    }

    private static void read(MapReader reader, int n) {
        int cpus = reader.cpus();
        int stride = reader.cpuStride();
        long[] sum = new long[1];
        long got = reader.forEach((keys, ko, values, vo) -> {
            long s = keys.getLong(ko);
            for (int c = 0; c < cpus; c++) s += values.getLong(vo + c * stride);
            sum[0] += s;
        });
        if (got != n) throw new IllegalStateException("read " + got + " of " + n + " entries");
        sink += sum[0];
    }

    /** Adds keys (from, to] with one update_batch call, as the C baseline does. */
    private static void fill(BpfMap map, int from, int to) {
        int count = to - from;
        int vsz = map.valueBufferSize();
        try (Memory keys = new Memory((long) count * 8);
                Memory values = new Memory((long) count * vsz)) {
            for (int i = 0; i < count; i++) {
                keys.setLong(i * 8L, from + i + 1);
                for (int c = 0; c < vsz / 8; c++) values.setLong((long) i * vsz + c * 8L, from + i);
            }
            map.updateBatch(keys, values, count);
        }
    }
}
