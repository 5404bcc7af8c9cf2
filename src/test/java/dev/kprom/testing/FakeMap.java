package dev.kprom.testing;

import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.MapSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory map of {u32 uid; char comm[16]} to per-CPU u64s, up to 64 entries, visited in order; reads counted. */
public class FakeMap implements MapSource {
    private final ByteBuffer keys = ByteBuffer.allocate(64 * 20).order(ByteOrder.nativeOrder());
    private final ByteBuffer values;
    private final int cpus;
    private int n;
    public final AtomicInteger reads = new AtomicInteger();

    public FakeMap(int cpus) {
        this.cpus = cpus;
        values = ByteBuffer.allocate(64 * 8 * cpus).order(ByteOrder.nativeOrder());
    }

    public FakeMap put(int uid, String comm, long... perCpu) {
        keys.putInt(n * 20, uid);
        byte[] c = comm.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 16; i++) keys.put(n * 20 + 4 + i, i < c.length ? c[i] : 0);
        set(n, perCpu);
        n++;
        return this;
    }

    /** New values for the entry at {@code index}. */
    public FakeMap set(int index, long... perCpu) {
        for (int cpu = 0; cpu < cpus; cpu++) values.putLong((index * cpus + cpu) * 8, perCpu[cpu]);
        return this;
    }

    /** Deletes the entry at {@code index}; the last entry takes its place, as in a hash map's bucket walk. */
    public FakeMap remove(int index) {
        n--;
        for (int i = 0; i < 20; i++) keys.put(index * 20 + i, keys.get(n * 20 + i));
        for (int i = 0; i < 8 * cpus; i++) values.put(index * 8 * cpus + i, values.get(n * 8 * cpus + i));
        return this;
    }

    @Override public String name() { return "execve_total"; }
    @Override public int keySize() { return 20; }
    @Override public int valueSize() { return 8; }
    @Override public int cpus() { return cpus; }
    @Override public int cpuStride() { return 8; }

    @Override
    public long forEach(EntryVisitor v) {
        reads.incrementAndGet();
        for (int i = 0; i < n; i++) v.visit(keys, i * 20, values, i * 8 * cpus);
        return n;
    }
}
