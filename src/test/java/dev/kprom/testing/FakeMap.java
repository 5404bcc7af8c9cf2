package dev.kprom.testing;

import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory map of any key layout to per-CPU u64 values, visited in insertion order; reads are counted.
 * {@link #execve} is the built-in execve map, {u32 uid; char comm[16]}; any other layout is put with
 * {@link #key()}: {@code map.put(FakeMap.key().u32(42).u32(3), 10)}. Key fields may be described as BTF would.
 */
public class FakeMap implements MapSource {
    private static final int CAPACITY = 64;
    private final String name;
    private final int keySize;
    private final int cpus;
    private final ByteBuffer keys;
    private final ByteBuffer values;
    private List<Field> keyFields;
    private int n;
    public final AtomicInteger reads = new AtomicInteger();

    public FakeMap(String name, int keySize, int cpus) {
        this.name = name;
        this.keySize = keySize;
        this.cpus = cpus;
        keys = ByteBuffer.allocate(CAPACITY * keySize).order(ByteOrder.nativeOrder());
        values = ByteBuffer.allocate(CAPACITY * 8 * cpus).order(ByteOrder.nativeOrder());
    }

    /** {@code execve_total}: {u32 uid; char comm[16]} to u64 per CPU. */
    public static FakeMap execve(int cpus) {
        return new FakeMap("execve_total", 20, cpus);
    }

    /** The key's struct members, as BTF would give them (labels without sizes find their fields here). */
    public FakeMap keyFields(Field... fields) {
        this.keyFields = List.of(fields);
        return this;
    }

    /** A key, built field by field in native byte order. */
    public static Key key() {
        return new Key();
    }

    public FakeMap put(Key key, long... perCpu) {
        if (key.out.position() != keySize)
            throw new IllegalArgumentException("key is " + key.out.position() + " bytes, map has " + keySize);
        for (int i = 0; i < keySize; i++) keys.put(n * keySize + i, key.out.get(i));
        set(n, perCpu);
        n++;
        return this;
    }

    /** An execve key: {u32 uid; char comm[16]}. */
    public FakeMap put(int uid, String comm, long... perCpu) {
        return put(key().u32(uid).string(comm, 16), perCpu);
    }

    /** New values for the entry at {@code index}. */
    public FakeMap set(int index, long... perCpu) {
        for (int cpu = 0; cpu < cpus; cpu++) values.putLong((index * cpus + cpu) * 8, perCpu[cpu]);
        return this;
    }

    /** Deletes the entry at {@code index}; the last entry takes its place, as in a hash map's bucket walk. */
    public FakeMap remove(int index) {
        n--;
        for (int i = 0; i < keySize; i++) keys.put(index * keySize + i, keys.get(n * keySize + i));
        for (int i = 0; i < 8 * cpus; i++) values.put(index * 8 * cpus + i, values.get(n * 8 * cpus + i));
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keySize() {
        return keySize;
    }

    @Override
    public int valueSize() {
        return 8;
    }

    @Override
    public int cpus() {
        return cpus;
    }

    @Override
    public int cpuStride() {
        return 8;
    }

    @Override
    public Optional<List<Field>> keyFields() {
        return Optional.ofNullable(keyFields);
    }

    @Override
    public long forEach(EntryVisitor v) {
        reads.incrementAndGet();
        for (int i = 0; i < n; i++) v.visit(keys, i * keySize, values, i * 8 * cpus);
        return n;
    }

    /** Key bytes, appended field by field. */
    public static final class Key {
        private final ByteBuffer out = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

        public Key u8(int v) {
            out.put((byte) v);
            return this;
        }

        public Key u32(int v) {
            out.putInt(v);
            return this;
        }

        public Key u64(long v) {
            out.putLong(v);
            return this;
        }

        /** {@code s} in UTF-8, NUL-padded (or cut) to {@code size} bytes. */
        public Key string(String s, int size) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < size; i++) out.put(i < b.length ? b[i] : 0);
            return this;
        }
    }
}
