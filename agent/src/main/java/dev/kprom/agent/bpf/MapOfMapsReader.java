package dev.kprom.agent.bpf;

import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a hash- or array-of-maps as one map whose key is the outer key followed by the inner key, and whose
 * value is the inner value: so labels cover both keys, outer first. Inner maps are found by the ids the outer
 * map holds, opened for the read and closed after it. For BTF layouts the key fields are the outer struct's then
 * the inner struct's (shifted past the outer key); a scalar key is one field named {@code outer_key} or
 * {@code inner_key}.
 */
public final class MapOfMapsReader implements MapSource {
    private final BpfMap outer;
    private final BpfMap inner;
    private final MapReader outerReader;

    public MapOfMapsReader(BpfMap outer, BpfMap innerTemplate) {
        this.outer = outer;
        this.inner = innerTemplate;
        this.outerReader = outer.reader();
    }

    @Override
    public String name() {
        return outer.name();
    }

    @Override
    public int keySize() {
        return outer.keySize() + inner.keySize();
    }

    @Override
    public int valueSize() {
        return inner.valueSize();
    }

    @Override
    public int cpus() {
        return inner.cpus();
    }

    @Override
    public int cpuStride() {
        return inner.cpuStride();
    }

    @Override
    public Optional<List<Field>> keyFields() {
        List<Field> fields =
                new ArrayList<>(outer.keyFields().orElse(List.of(new Field("outer_key", 0, outer.keySize()))));
        for (Field f : inner.keyFields().orElse(List.of(new Field("inner_key", 0, inner.keySize())))) {
            fields.add(new Field(f.name(), outer.keySize() + f.offset(), f.size()));
        }
        return Optional.of(fields);
    }

    @Override
    public Optional<List<Field>> valueFields() {
        return inner.valueFields();
    }

    @Override
    public long forEach(EntryVisitor visitor) {
        List<byte[]> outerKeys = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        outerReader.forEach((keys, ko, values, vo) -> {
            byte[] k = new byte[outer.keySize()];
            keys.get(ko, k);
            outerKeys.add(k);
            ids.add(values.getInt(vo)); // from user space, a map-of-maps value is the inner map's id
        });
        ByteBuffer key = ByteBuffer.allocate(keySize()).order(ByteOrder.nativeOrder());
        long total = 0;
        for (int i = 0; i < ids.size(); i++) {
            byte[] outerKey = outerKeys.get(i);
            BpfMap map;
            try {
                map = BpfMap.openById(ids.get(i), "inner map of " + outer.describe());
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) continue; // replaced since the outer read
                throw e;
            }
            try (map) {
                total += map.reader().forEach((keys, ko, values, vo) -> {
                    key.put(0, outerKey);
                    for (int b = 0; b < inner.keySize(); b++) key.put(outer.keySize() + b, keys.get(ko + b));
                    visitor.visit(key, 0, values, vo);
                });
            }
        }
        return total;
    }
}
