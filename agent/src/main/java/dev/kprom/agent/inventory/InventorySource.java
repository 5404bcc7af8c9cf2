package dev.kprom.agent.inventory;

import dev.kprom.agent.inventory.InventorySnapshot.BpfMapInfo;
import dev.kprom.agent.inventory.InventorySnapshot.Link;
import dev.kprom.agent.inventory.InventorySnapshot.Owner;
import dev.kprom.agent.inventory.InventorySnapshot.Program;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One table of the {@link BpfInventory} read as a map, its keys and values laid out as the structs below so that
 * metric specs name their fields as they name a BTF struct's: {@code bpf_programs}, {@code bpf_maps},
 * {@code bpf_map_entries} (hash-like maps counted within the budget only), {@code bpf_links} and
 * {@code bpf_inventory} (one entry: the walk's totals). Text fields are NUL-padded ({@code string} decodes them).
 */
public final class InventorySource implements MapSource {
    /** The tables, each with its key and value layout. */
    public enum Table {
        BPF_PROGRAMS(
                List.of(
                        new Field("id", 0, 4),
                        new Field("type", 8, 24),
                        new Field("name", 32, 16),
                        new Field("tag", 48, 8),
                        new Field("pid", 56, 4),
                        new Field("comm", 60, 16),
                        new Field("attach", 76, 128),
                        new Field("pinned", 204, 128)),
                List.of(
                        new Field("run_count", 0, 8),
                        new Field("run_time_ns", 8, 8),
                        new Field("jited_bytes", 16, 8),
                        new Field("translated_bytes", 24, 8),
                        new Field("verified_instructions", 32, 8),
                        new Field("memlock_bytes", 40, 8),
                        new Field("one", 48, 8))),
        BPF_MAPS(
                List.of(
                        new Field("id", 0, 4),
                        new Field("key_size", 4, 4),
                        new Field("value_size", 8, 4),
                        new Field("flags", 12, 4),
                        new Field("type", 16, 24),
                        new Field("name", 40, 16),
                        new Field("pid", 56, 4),
                        new Field("comm", 60, 16),
                        new Field("pinned", 76, 128)),
                List.of(new Field("max_entries", 0, 8), new Field("memlock_bytes", 8, 8), new Field("one", 16, 8))),
        BPF_MAP_ENTRIES(List.of(new Field("id", 0, 4), new Field("name", 4, 16)), List.of(new Field("entries", 0, 8))),
        BPF_LINKS(
                List.of(
                        new Field("id", 0, 4),
                        new Field("program_id", 4, 4),
                        new Field("type", 8, 24),
                        new Field("attach", 32, 128),
                        new Field("pid", 160, 4),
                        new Field("comm", 164, 16),
                        new Field("pinned", 180, 128)),
                List.of(new Field("one", 0, 8))),
        BPF_INVENTORY(
                List.of(),
                List.of(
                        new Field("programs", 0, 8),
                        new Field("maps", 8, 8),
                        new Field("links", 16, 8),
                        new Field("maps_counted", 24, 8),
                        new Field("maps_uncounted", 32, 8),
                        new Field("walk_ns", 40, 8)));

        final List<Field> key;
        final List<Field> value;

        Table(List<Field> key, List<Field> value) {
            this.key = key;
            this.value = value;
        }

        /** As metric specs name it: "bpf_programs". */
        public String sourceName() {
            return name().toLowerCase();
        }

        int size(List<Field> fields) {
            return fields.stream().mapToInt(Field::end).max().orElse(0);
        }
    }

    private final Table table;
    private final BpfInventory inventory;
    private final ByteBuffer key;
    private final ByteBuffer value;
    private final byte[] zeros;

    public InventorySource(Table table, BpfInventory inventory) {
        this.table = table;
        this.inventory = inventory;
        this.key = ByteBuffer.allocate(table.size(table.key)).order(ByteOrder.nativeOrder());
        this.value = ByteBuffer.allocate(table.size(table.value)).order(ByteOrder.nativeOrder());
        this.zeros = new byte[key.capacity()];
    }

    /** Every table of {@code inventory}, by source name. */
    public static Map<String, MapSource> all(BpfInventory inventory) {
        return Arrays.stream(Table.values())
                .collect(java.util.stream.Collectors.toUnmodifiableMap(
                        Table::sourceName, t -> new InventorySource(t, inventory)));
    }

    @Override
    public String name() {
        return table.sourceName();
    }

    @Override
    public int keySize() {
        return key.capacity();
    }

    @Override
    public int valueSize() {
        return value.capacity();
    }

    @Override
    public int cpus() {
        return 1;
    }

    @Override
    public int cpuStride() {
        return value.capacity();
    }

    @Override
    public Optional<List<Field>> keyFields() {
        return Optional.of(table.key);
    }

    @Override
    public Optional<List<Field>> valueFields() {
        return Optional.of(table.value);
    }

    @Override
    public synchronized long forEach(EntryVisitor visitor) {
        InventorySnapshot s = inventory.snapshot();
        long n = 0;
        switch (table) {
            case BPF_PROGRAMS -> {
                for (Program p : s.programs()) {
                    clear();
                    key.putInt(0, p.id());
                    text(8, 24, p.type());
                    text(32, 16, p.name());
                    key.put(48, p.tag());
                    owner(56, 60, p.owner());
                    text(76, 128, p.attach());
                    text(204, 128, p.pinned());
                    value.putLong(0, p.runCount())
                            .putLong(8, p.runTimeNs())
                            .putLong(16, p.jitedBytes())
                            .putLong(24, p.translatedBytes())
                            .putLong(32, p.verifiedInstructions())
                            .putLong(40, p.memlockBytes())
                            .putLong(48, 1);
                    visitor.visit(key, 0, value, 0);
                    n++;
                }
            }
            case BPF_MAPS -> {
                for (BpfMapInfo m : s.maps()) {
                    clear();
                    key.putInt(0, m.id())
                            .putInt(4, m.keySize())
                            .putInt(8, m.valueSize())
                            .putInt(12, m.flags());
                    text(16, 24, m.type());
                    text(40, 16, m.name());
                    owner(56, 60, m.owner());
                    text(76, 128, m.pinned());
                    value.putLong(0, m.maxEntries() & 0xffffffffL)
                            .putLong(8, m.memlockBytes())
                            .putLong(16, 1);
                    visitor.visit(key, 0, value, 0);
                    n++;
                }
            }
            case BPF_MAP_ENTRIES -> {
                for (BpfMapInfo m : s.maps()) {
                    Long entries = s.entries().get(m.id());
                    if (entries == null) continue;
                    clear();
                    key.putInt(0, m.id());
                    text(4, 16, m.name());
                    value.putLong(0, entries);
                    visitor.visit(key, 0, value, 0);
                    n++;
                }
            }
            case BPF_LINKS -> {
                for (Link l : s.links()) {
                    clear();
                    key.putInt(0, l.id()).putInt(4, l.programId());
                    text(8, 24, l.type());
                    text(32, 128, l.attach());
                    owner(160, 164, l.owner());
                    text(180, 128, l.pinned());
                    value.putLong(0, 1);
                    visitor.visit(key, 0, value, 0);
                    n++;
                }
            }
            case BPF_INVENTORY -> {
                value.putLong(0, s.programs().size())
                        .putLong(8, s.maps().size())
                        .putLong(16, s.links().size())
                        .putLong(24, s.entries().size())
                        .putLong(32, s.uncounted())
                        .putLong(40, s.walkNanos());
                visitor.visit(key, 0, value, 0);
                n = 1;
            }
        }
        return n;
    }

    private void clear() {
        key.put(0, zeros);
    }

    private void owner(int pidAt, int commAt, Owner o) {
        key.putInt(pidAt, o.pid());
        text(commAt, 16, o.comm());
    }

    /** {@code s} at {@code offset}, cut to {@code size - 1} bytes so a NUL always ends it. */
    private void text(int offset, int size, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        key.put(offset, b, 0, Math.min(b.length, size - 1));
    }
}
