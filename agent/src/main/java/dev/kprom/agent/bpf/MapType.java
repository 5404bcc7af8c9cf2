package dev.kprom.agent.bpf;

/** {@code enum bpf_map_type} from linux/bpf.h, in kernel order (the ordinal is the kernel's number). */
public enum MapType {
    UNSPEC,
    HASH,
    ARRAY,
    PROG_ARRAY,
    PERF_EVENT_ARRAY,
    PERCPU_HASH,
    PERCPU_ARRAY,
    STACK_TRACE,
    CGROUP_ARRAY,
    LRU_HASH,
    LRU_PERCPU_HASH,
    LPM_TRIE,
    ARRAY_OF_MAPS,
    HASH_OF_MAPS,
    DEVMAP,
    SOCKMAP,
    CPUMAP,
    XSKMAP,
    SOCKHASH,
    CGROUP_STORAGE,
    REUSEPORT_SOCKARRAY,
    PERCPU_CGROUP_STORAGE,
    QUEUE,
    STACK,
    SK_STORAGE,
    DEVMAP_HASH,
    STRUCT_OPS,
    RINGBUF,
    INODE_STORAGE,
    TASK_STORAGE,
    BLOOM_FILTER,
    USER_RINGBUF,
    CGRP_STORAGE;

    /**
     * Whether a map of this type can outlive one version of its probe set (carried into the next on reload, pinned
     * across restarts): maps of counts and state, not rings, program arrays or maps of maps.
     */
    public boolean carriesOver() {
        return switch (this) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE -> true;
            default -> false;
        };
    }

    public static MapType of(int kernelType) {
        MapType[] all = values();
        if (kernelType < 0 || kernelType >= all.length) {
            throw new IllegalArgumentException("unknown bpf_map_type " + kernelType);
        }
        return all[kernelType];
    }

    /** Per-CPU maps return one value per possible CPU from every lookup. */
    public boolean perCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH || this == PERCPU_CGROUP_STORAGE;
    }

    /** Hash- and array-of-maps: their values, read from user space, are inner map ids. */
    public boolean mapOfMaps() {
        return this == HASH_OF_MAPS || this == ARRAY_OF_MAPS;
    }

    public int kernelType() {
        return ordinal();
    }
}
