package dev.kprom.agent.bpf;

import dev.kprom.agent.btf.KeyValueRecord;
import dev.kprom.exporter.collect.ScrapeDeadline;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BPF iterator read as a map: each read runs the iterator ({@link BpfIterator}) and visits one entry per distinct
 * key, records of the same key added up value field by value field. The metrics of one scrape that read the same
 * iterator share one run of it.
 */
public final class IteratorReader implements MapSource {
    private final String name;
    private final KeyValueRecord record;
    private final long maxBytes;
    private final List<Field> sums;
    private volatile BpfIterator iterator;
    /** The last run, for the other metrics of its scrape: the scrape, the buffer, each distinct key's record. */
    private long lastScrape;

    private ByteBuffer last;
    private int[] lastRecords;

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

    /** Attaches {@code program} (a loaded {@code SEC("iter/...")} program); the link returned detaches it. */
    public BpfLink attach(BpfProgram program) {
        BpfIterator attached = new BpfIterator(program, "iterator " + name + " (program " + program.name() + ")");
        iterator = attached;
        return attached.asLink();
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
    public long forEach(EntryVisitor visitor) {
        BpfIterator it = iterator;
        if (it == null) throw new IllegalStateException("iterator " + name + " is not attached");
        synchronized (it) { // the buffer read stays valid until the iterator's next read
            long scrape = ScrapeDeadline.scrape();
            if (scrape != 0 && scrape == lastScrape && last != null) return visit(last, lastRecords, visitor);
            lastScrape = 0;
            ByteBuffer b = it.read(maxBytes);
            int size = b.limit();
            int recordSize = record.size();
            if (size % recordSize != 0) {
                throw new IllegalStateException(it.description() + " wrote " + size + " bytes, not a whole number of "
                        + recordSize + "-byte records");
            }
            Map<ByteBuffer, Integer> first = new HashMap<>();
            int keyOffset = record.key().offset();
            int valueOffset = record.value().offset();
            int keySize = keySize();
            for (int at = 0; at < size; at += recordSize) {
                Integer seen = first.putIfAbsent(b.slice(at + keyOffset, keySize), at);
                if (seen != null) add(b, seen + valueOffset, at + valueOffset);
            }
            last = b;
            lastRecords =
                    first.values().stream().mapToInt(Integer::intValue).sorted().toArray();
            lastScrape = scrape;
            return visit(b, lastRecords, visitor);
        }
    }

    private long visit(ByteBuffer b, int[] records, EntryVisitor visitor) {
        int keyOffset = record.key().offset();
        int valueOffset = record.value().offset();
        for (int at : records) visitor.visit(b, at + keyOffset, b, at + valueOffset);
        return records.length;
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
}
