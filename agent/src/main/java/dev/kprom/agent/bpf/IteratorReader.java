package dev.kprom.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.kprom.agent.btf.KeyValueRecord;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BPF iterator read as a map: each read creates an iterator instance from the iterator's link
 * ({@code bpf_iter_create}), reads what its program wrote with {@code bpf_seq_write} until the end, and visits one
 * entry per distinct key, records of the same key added up value field by value field. Reads and the detach that
 * ends the link are serialised, so a read never creates an instance from a closed link's fd.
 */
public final class IteratorReader implements MapSource {
    private static final int CHUNK = 64 << 10;

    private final String name;
    private final KeyValueRecord record;
    private final long maxBytes;
    private final List<Field> sums;
    private BpfLink link;
    private String program = "";
    private Memory chunk;
    private byte[] data = new byte[0];

    /** The iterator {@code name} whose program writes {@code record}s; a read fails past {@code maxBytes}. */
    public IteratorReader(String name, KeyValueRecord record, long maxBytes) {
        this.name = name;
        this.record = record;
        this.maxBytes = maxBytes;
        this.sums = record
                .valueFields()
                .orElse(List.of(new Field("value", 0, record.value().size())))
                .stream()
                .filter(Field::isInteger)
                .toList();
    }

    /** Attaches {@code iterator} (a loaded {@code SEC("iter/...")} program); the link returned detaches it. */
    public synchronized BpfLink attach(BpfProgram iterator) {
        BpfLink attached = iterator.attachIter();
        link = attached;
        program = iterator.name();
        return new BpfLink(this::detach, attached.description());
    }

    private synchronized void detach() {
        if (link != null) link.close();
        link = null;
        if (chunk != null) chunk.close();
        chunk = null;
        data = new byte[0];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keySize() {
        return record.key().size();
    }

    @Override
    public int valueSize() {
        return record.value().size();
    }

    @Override
    public int cpus() {
        return 1;
    }

    @Override
    public int cpuStride() {
        return record.value().size();
    }

    @Override
    public Optional<List<Field>> keyFields() {
        return record.keyFields();
    }

    @Override
    public Optional<List<Field>> valueFields() {
        return record.valueFields();
    }

    /** Runs the iterator once and visits each distinct key; returns how many. */
    @Override
    public synchronized long forEach(EntryVisitor visitor) {
        if (link == null) throw new IllegalStateException("iterator " + name + " is not attached");
        int size = readAll();
        int recordSize = record.size();
        if (size % recordSize != 0) {
            throw new IllegalStateException("iterator " + name + " (program " + program + ") wrote " + size
                    + " bytes, not a whole number of " + recordSize + "-byte records");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, size).order(ByteOrder.nativeOrder());
        Map<ByteBuffer, Integer> first = new HashMap<>();
        int keyOffset = record.key().offset();
        int valueOffset = record.value().offset();
        int keySize = keySize();
        for (int at = 0; at < size; at += recordSize) {
            Integer seen = first.putIfAbsent(b.slice(at + keyOffset, keySize), at);
            if (seen != null) add(b, seen + valueOffset, at + valueOffset);
        }
        ByteBuffer visit = b.duplicate().order(ByteOrder.nativeOrder());
        first.values().stream().sorted().forEach(at -> visitor.visit(visit, at + keyOffset, visit, at + valueOffset));
        return first.size();
    }

    /** Adds each integer value field of the value at {@code from} into the one at {@code into}. */
    private void add(ByteBuffer b, int into, int from) {
        for (Field f : sums) {
            long sum = f.readUnsigned(b, into) + f.readUnsigned(b, from);
            int at = into + f.offset();
            switch (f.size()) {
                case 1 -> b.put(at, (byte) sum);
                case 2 -> b.putShort(at, (short) sum);
                case 4 -> b.putInt(at, (int) sum);
                default -> b.putLong(at, sum);
            }
        }
    }

    /** One iterator instance read to its end into {@link #data}; returns the byte count. */
    private int readAll() {
        int fd = Libbpf.bpf_iter_create(link.fd());
        if (fd < 0) throw new BpfException("bpf_iter_create for iterator " + name + " (program " + program + ")", -fd);
        try {
            if (chunk == null) chunk = new Memory(CHUNK);
            int size = 0;
            while (true) {
                long n = LibC.read(fd, chunk, CHUNK);
                if (n < 0) {
                    int errno = Native.getLastError();
                    if (errno == Errno.EINTR || errno == Errno.EAGAIN) continue;
                    throw new BpfException("read iterator " + name + " (program " + program + ")", errno);
                }
                if (n == 0) return size;
                if (size + n > maxBytes) {
                    throw new IllegalStateException("iterator " + name + " (program " + program
                            + ") wrote more than its max_bytes, " + maxBytes + " bytes; raise max_bytes or filter in"
                            + " the program");
                }
                if (size + n > data.length)
                    data = Arrays.copyOf(data, (int) Math.min(maxBytes, Math.max(size + n, data.length * 2L)));
                chunk.read(0, data, size, (int) n);
                size += (int) n;
            }
        } finally {
            LibC.close(fd);
        }
    }
}
