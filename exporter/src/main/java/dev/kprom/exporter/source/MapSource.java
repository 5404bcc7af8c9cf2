package dev.kprom.exporter.source;

import java.util.List;
import java.util.Optional;

/** A readable key/value map: in kprom, a BPF map read in full at each scrape. */
public interface MapSource {
    /** The map's name. */
    String name();

    int keySize();

    /** Size of one value; for per-CPU maps, of one CPU's value. */
    int valueSize();

    /** Number of values per key: the possible CPU count for per-CPU maps, else 1. */
    int cpus();

    /** Bytes from one CPU's value to the next (values are 8-byte aligned per CPU). */
    int cpuStride();

    /** The key's struct members, when the map's key type is a struct known from BTF. */
    default Optional<List<Field>> keyFields() {
        return Optional.empty();
    }

    /** The value's struct members, when the map's value type is a struct known from BTF. */
    default Optional<List<Field>> valueFields() {
        return Optional.empty();
    }

    /** Visits every entry once and returns how many were visited. */
    long forEach(EntryVisitor visitor);
}
