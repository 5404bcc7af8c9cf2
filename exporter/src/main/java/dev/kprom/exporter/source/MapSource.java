package dev.kprom.exporter.source;

/** A readable key/value map: in kprom, a BPF map read in full at each scrape. */
public interface MapSource {
    /** The map's name, which is also the metric's name (without the kprom_ prefix). */
    String name();

    int keySize();

    /** Size of one value; for per-CPU maps, of one CPU's value. */
    int valueSize();

    /** Number of values per key: the possible CPU count for per-CPU maps, else 1. */
    int cpus();

    /** Bytes from one CPU's value to the next (values are 8-byte aligned per CPU). */
    int cpuStride();

    /** Visits every entry once and returns how many were visited. */
    long forEach(EntryVisitor visitor);
}
