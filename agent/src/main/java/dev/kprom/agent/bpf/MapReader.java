package dev.kprom.agent.bpf;

import static dev.kprom.agent.libbpf.Errno.EINVAL;
import static dev.kprom.agent.libbpf.Errno.ENOENT;
import static dev.kprom.agent.libbpf.Errno.ENOSPC;
import static dev.kprom.agent.libbpf.Errno.ENOTSUPP;
import static dev.kprom.agent.libbpf.Errno.EOPNOTSUPP;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.Libbpf;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole map with {@code bpf_map_lookup_batch}, falling back to {@code bpf_map_get_next_key} +
 * {@code bpf_map_lookup_elem} where the kernel cannot batch this map. Buffers live in native memory and are
 * reused between reads; reads of one reader are serialised.
 *
 * <p>lookup_batch quirks handled here: the last call returns ENOENT <em>with</em> entries; a hash bucket larger
 * than the batch fails with ENOSPC when nothing was copied yet (the batch is then grown); arrays return 0 for a
 * batch that ends exactly at the end and ENOENT with count 0 on the next call.
 */
public final class MapReader implements MapSource {
    private static final Logger LOG = LoggerFactory.getLogger(MapReader.class);
    /** Batches below a few hundred entries can fail with ENOSPC on crowded buckets. */
    static final int DEFAULT_BATCH = 4096;

    private final BpfMap map;
    private final int keySize;
    private final int valueBytes;
    private final Memory inBatch = new Memory(8);
    private final Memory outBatch = new Memory(8);
    private final Memory count = new Memory(4);
    private int batch;
    private Memory keys;
    private Memory values;
    private ByteBuffer keyBuf;
    private ByteBuffer valueBuf;
    private boolean batchUnsupported;

    MapReader(BpfMap map) {
        this(map, DEFAULT_BATCH);
    }

    /** A reader starting from {@code batch} entries per call (grown on ENOSPC). */
    MapReader(BpfMap map, int batch) {
        this.map = map;
        this.keySize = map.keySize();
        this.valueBytes = map.valueBufferSize();
        allocate(Math.max(1, Math.min(batch, map.maxEntries())));
    }

    /** Reads key by key from now on, as on kernels that cannot batch (lets tests cover that path here). */
    synchronized void useKeyByKey() {
        batchUnsupported = true;
    }

    @Override
    public String name() {
        return map.name();
    }

    @Override
    public int keySize() {
        return keySize;
    }

    @Override
    public int valueSize() {
        return map.valueSize();
    }

    @Override
    public int cpus() {
        return map.cpus();
    }

    @Override
    public int cpuStride() {
        return map.cpuStride();
    }

    @Override
    public Optional<List<Field>> keyFields() {
        return map.keyFields();
    }

    @Override
    public Optional<List<Field>> valueFields() {
        return map.valueFields();
    }

    /** True once the kernel refused batch lookups on this map and the reader fell back to one key at a time. */
    public synchronized boolean batchUnsupported() {
        return batchUnsupported;
    }

    /** Reads while the map's object stays open (its close waits for this read; a read after close throws). */
    @Override
    public synchronized long forEach(EntryVisitor visitor) {
        return map.whileOpen(() -> {
            if (!batchUnsupported) {
                long n = readBatched(visitor);
                if (n >= 0) return n;
            }
            return readOneByOne(visitor);
        });
    }

    /** Returns the entries read, or -1 when the kernel cannot batch this map (nothing was visited then). */
    private long readBatched(EntryVisitor visitor) {
        int fd = map.fd();
        Pointer in = null;
        long total = 0;
        while (true) {
            count.setInt(0, batch);
            int rc = Libbpf.bpf_map_lookup_batch(fd, in, outBatch, keys, values, count, null);
            int err = rc < 0 ? -rc : 0;
            int n = count.getInt(0);
            if (err == ENOSPC && n == 0) {
                if (batch >= map.maxEntries()) {
                    throw new BpfException(
                            "read " + map.describe() + " (bpf_map_lookup_batch, batch " + batch + ")", err);
                }
                allocate(Math.min(map.maxEntries(), batch * 2));
                continue;
            }
            if (err != 0 && err != ENOENT) {
                if (in == null && (err == EINVAL || err == ENOTSUPP || err == EOPNOTSUPP)) {
                    LOG.info(
                            "{}: bpf_map_lookup_batch unsupported ({}), reading key by key",
                            map.describe(),
                            Errno.name(err));
                    batchUnsupported = true;
                    return -1;
                }
                throw new BpfException("read " + map.describe() + " (bpf_map_lookup_batch)", err);
            }
            for (int i = 0; i < n; i++) {
                visitor.visit(keyBuf, i * keySize, valueBuf, i * valueBytes);
            }
            total += n;
            if (err == ENOENT) return total;
            inBatch.setLong(0, outBatch.getLong(0));
            in = inBatch;
        }
    }

    private long readOneByOne(EntryVisitor visitor) {
        int fd = map.fd();
        Memory key = new Memory(keySize);
        Memory next = new Memory(keySize);
        ByteBuffer nextBuf = next.getByteBuffer(0, keySize).order(ByteOrder.nativeOrder());
        ByteBuffer valBuf = values.getByteBuffer(0, valueBytes).order(ByteOrder.nativeOrder());
        Pointer prev = null;
        long total = 0;
        int rc;
        while ((rc = Libbpf.bpf_map_get_next_key(fd, prev, next)) == 0) {
            int lookup = Libbpf.bpf_map_lookup_elem(fd, next, values);
            if (lookup == 0) {
                visitor.visit(nextBuf, 0, valBuf, 0);
                total++;
            } else if (lookup != -ENOENT) { // ENOENT: deleted since get_next_key; skip it
                throw new BpfException("read " + map.describe() + " (bpf_map_lookup_elem)", -lookup);
            }
            key.write(0, next.getByteArray(0, keySize), 0, keySize);
            prev = key;
        }
        if (rc != -ENOENT) {
            throw new BpfException("read " + map.describe() + " (bpf_map_get_next_key)", -rc);
        }
        return total;
    }

    private void allocate(int entries) {
        batch = entries;
        keys = new Memory((long) entries * keySize);
        values = new Memory((long) entries * valueBytes);
        keyBuf = keys.getByteBuffer(0, keys.size()).order(ByteOrder.nativeOrder());
        valueBuf = values.getByteBuffer(0, values.size()).order(ByteOrder.nativeOrder());
    }
}
