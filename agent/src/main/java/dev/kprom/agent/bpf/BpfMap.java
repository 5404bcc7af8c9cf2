package dev.kprom.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.kprom.agent.btf.BtfTypes;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import dev.kprom.exporter.source.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A BPF map: either one of a {@link BpfObject}'s maps (a view, closed with its object) or one created on its
 * own with {@link #create} (owning its fd, closed by {@link #close()}).
 */
public final class BpfMap implements AutoCloseable {
    private static final int POSSIBLE_CPUS =
            BpfException.check(Libbpf.libbpf_num_possible_cpus(), "libbpf_num_possible_cpus");

    private final String owner;
    private final String name;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final boolean ownsFd;
    private final Optional<List<Field>> keyFields;
    private final Optional<List<Field>> valueFields;
    private final BpfObject object; // null for a map created on its own
    private final Pointer handle;
    private int fd;

    private BpfMap(
            BpfObject object,
            Pointer handle,
            String owner,
            String name,
            MapType type,
            int keySize,
            int valueSize,
            int maxEntries,
            int fd,
            boolean ownsFd,
            Optional<List<Field>> keyFields,
            Optional<List<Field>> valueFields) {
        this.object = object;
        this.handle = handle;
        this.keyFields = keyFields;
        this.valueFields = valueFields;
        this.owner = owner;
        this.name = name;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.fd = fd;
        this.ownsFd = ownsFd;
    }

    static BpfMap of(BpfObject object, Pointer map, BtfTypes btf) {
        Optional<List<Field>> key =
                btf == null ? Optional.empty() : btf.structFields(Libbpf.bpf_map__btf_key_type_id(map));
        Optional<List<Field>> value =
                btf == null ? Optional.empty() : btf.structFields(Libbpf.bpf_map__btf_value_type_id(map));
        return new BpfMap(
                object,
                map,
                object.name(),
                Libbpf.bpf_map__name(map),
                MapType.of(Libbpf.bpf_map__type(map)),
                Libbpf.bpf_map__key_size(map),
                Libbpf.bpf_map__value_size(map),
                Libbpf.bpf_map__max_entries(map),
                -1,
                false,
                key,
                value);
    }

    /** Creates a map outside any object ({@code bpf_map_create}). */
    public static BpfMap create(MapType type, String name, int keySize, int valueSize, int maxEntries) {
        int fd = Libbpf.bpf_map_create(type.kernelType(), name, keySize, valueSize, maxEntries, null);
        BpfException.check(
                fd,
                "create " + type + " map " + name + " (key " + keySize + " B, value " + valueSize + " B, " + maxEntries
                        + " entries)");
        return new BpfMap(
                null,
                null,
                null,
                name,
                type,
                keySize,
                valueSize,
                maxEntries,
                fd,
                true,
                Optional.empty(),
                Optional.empty());
    }

    public String name() {
        return name;
    }

    /**
     * Whether the probe's own code declared this map: not a global-data section of libbpf's ({@code .rodata},
     * {@code .bss}) nor one its helpers keep ({@code __bpf_usdt_specs}: libbpf fills it at each attach, so it never
     * carries over and is nobody's metric).
     */
    public boolean declaredByProbe() {
        return !name.contains(".") && !name.startsWith("__bpf_");
    }

    public MapType type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    /** Size of one value as declared; per-CPU maps hold one such value per possible CPU. */
    public int valueSize() {
        return valueSize;
    }

    /**
     * Opens a live map by its kernel id (an inner map of a map of maps, as its outer map's values name them); the
     * returned map owns the fd. {@code label} names it in messages.
     */
    public static BpfMap openById(int id, String label) {
        int fd = Libbpf.bpf_map_get_fd_by_id(id);
        BpfException.check(fd, "open " + label + " (map id " + id + ")");
        return ofFd(fd, label + " (map id " + id + ")", label);
    }

    /**
     * A map another program made, opened read-only ({@code fd}, which the returned map owns), with its key and value
     * layouts from its own BTF ({@code btf_id}, {@code btf_key_type_id}, {@code btf_value_type_id} of its info), when
     * it has BTF. {@code label} names it. kprom only reads such a map.
     */
    public static BpfMap foreign(int fd, String label) {
        try (Memory info = new Memory(128);
                Memory len = new Memory(4)) {
            info.clear();
            len.setInt(0, (int) info.size());
            int rc = Libbpf.bpf_obj_get_info_by_fd(fd, info, len);
            if (rc < 0) {
                LibC.close(fd);
                throw new BpfException("get info of " + label, -rc);
            }
            // struct bpf_map_info: type 0, key_size 8, value_size 12, max_entries 16, btf_id 64, btf_key_type_id 68,
            // btf_value_type_id 72
            Optional<List<Field>> key = Optional.empty();
            Optional<List<Field>> value = Optional.empty();
            int btfId = info.getInt(64);
            if (btfId != 0) {
                Pointer btf = Libbpf.btf__load_from_kernel_by_id(btfId);
                if (btf != null) {
                    try {
                        BtfTypes types = new BtfTypes(btf);
                        key = types.structFields(info.getInt(68));
                        value = types.structFields(info.getInt(72));
                    } finally {
                        Libbpf.btf__free(btf);
                    }
                }
            }
            return new BpfMap(
                    null,
                    null,
                    null,
                    label,
                    MapType.of(info.getInt(0)),
                    info.getInt(8),
                    info.getInt(12),
                    info.getInt(16),
                    fd,
                    true,
                    key,
                    value);
        }
    }

    /** A map for an fd the caller opened (by id, say); the returned map owns the fd. {@code label} names it. */
    public static BpfMap adopt(int fd, String label) {
        return ofFd(fd, label, label);
    }

    /** Opens a map pinned under bpffs ({@code bpf_obj_get}); the returned map owns the fd. */
    public static BpfMap openPinned(Path path) {
        int fd = Libbpf.bpf_obj_get(path.toString());
        BpfException.check(fd, "open pinned map " + path);
        return ofFd(fd, "pinned map " + path, path.getFileName().toString());
    }

    private static BpfMap ofFd(int fd, String what, String name) {
        int[] info;
        try {
            info = info(fd, what);
        } catch (BpfException e) {
            LibC.close(fd);
            throw e;
        }
        return new BpfMap(
                null,
                null,
                null,
                name,
                MapType.of(info[0]),
                info[1],
                info[2],
                info[3],
                fd,
                true,
                Optional.empty(),
                Optional.empty());
    }

    /** {@code struct bpf_map_info}'s type, key_size, value_size, max_entries, map_flags of an open map. */
    private static int[] info(int fd, String what) {
        try (Memory info = new Memory(128);
                Memory len = new Memory(4)) {
            info.clear();
            len.setInt(0, (int) info.size());
            int rc = Libbpf.bpf_obj_get_info_by_fd(fd, info, len);
            if (rc < 0) throw new BpfException("get info of " + what, -rc);
            // struct bpf_map_info { __u32 type, id, key_size, value_size, max_entries, map_flags; ... }
            return new int[] {info.getInt(0), info.getInt(8), info.getInt(12), info.getInt(16), info.getInt(20)};
        }
    }

    /**
     * Why this map of an object (opened, not loaded) cannot take over {@code live}, a kernel map, keeping what is
     * in it: type, key and value sizes, entries and flags must all be the same. Empty when it can.
     */
    public Optional<String> incompatibleWith(BpfMap live) {
        int[] them = info(live.fd(), live.describe());
        int flags = Libbpf.bpf_map__map_flags(handle);
        List<String> differ = new ArrayList<>();
        if (them[0] != type.kernelType()) differ.add("type " + MapType.of(them[0]) + " vs " + type);
        if (them[1] != keySize) differ.add("key " + them[1] + " vs " + keySize + " bytes");
        if (them[2] != valueSize) differ.add("value " + them[2] + " vs " + valueSize + " bytes");
        if (them[3] != Libbpf.bpf_map__max_entries(handle))
            differ.add("max_entries " + them[3] + " vs " + Libbpf.bpf_map__max_entries(handle));
        if (them[4] != flags)
            differ.add("flags 0x" + Integer.toHexString(them[4]) + " vs 0x" + Integer.toHexString(flags));
        return differ.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", differ));
    }

    /**
     * Before the object loads: this map will be {@code live}'s kernel map ({@code bpf_map__reuse_fd}, which takes a
     * duplicate of its fd), so what the live map counted carries on. Check {@link #incompatibleWith} first.
     */
    public void reuse(BpfMap live) {
        BpfException.check(
                Libbpf.bpf_map__reuse_fd(handle, live.fd()), "reuse " + live.describe() + " as " + describe());
    }

    /**
     * Before the object loads: pin this map at {@code path} under bpffs ({@code bpf_map__set_pin_path}); a map pinned
     * there already is reused if compatible (check with {@link #incompatibleWith} and {@link #openPinned} first, a
     * mismatch fails the load), else the new map is pinned there at load.
     */
    public void setPinPath(Path path) {
        BpfException.check(
                Libbpf.bpf_map__set_pin_path(handle, path.toString()), "set pin path " + path + " of " + describe());
    }

    /** For a map of maps of an object: the inner map's template (sizes, BTF), as declared; never read itself. */
    public Optional<BpfMap> innerTemplate() {
        if (handle == null || !type.mapOfMaps()) return Optional.empty();
        Pointer inner = Libbpf.bpf_map__inner_map(handle);
        return inner == null ? Optional.empty() : Optional.of(BpfMap.of(object, inner, object.btfTypes()));
    }

    /** The key's struct members from the object's BTF, when the key is a struct. */
    public Optional<List<Field>> keyFields() {
        return keyFields;
    }

    /** The value's struct members from the object's BTF, when the value is a struct. */
    public Optional<List<Field>> valueFields() {
        return valueFields;
    }

    /** As libbpf has it now: it sizes a PERF_EVENT_ARRAY declared with 0 entries to the CPU count at load. */
    public int maxEntries() {
        return handle != null && object.open() ? Libbpf.bpf_map__max_entries(handle) : maxEntries;
    }

    /** Resizes an object's map before its object loads (a ring buffer's byte size, say). */
    public void setMaxEntries(int entries) {
        if (handle == null) throw new IllegalStateException(describe() + " is not an object's map");
        BpfException.check(
                Libbpf.bpf_map__set_max_entries(handle, entries),
                "set max_entries of " + describe() + " to " + entries);
    }

    /** The fd: of an object's map once the object is loaded, until it closes; of a created map until closed. */
    public int fd() {
        if (object != null) {
            if (!object.loaded())
                throw new IllegalStateException(describe() + " is not loaded (or its object is closed)");
            return Libbpf.bpf_map__fd(handle);
        }
        if (fd < 0) throw new IllegalStateException(describe() + " is closed");
        return fd;
    }

    /** The kernel's possible CPUs: the number of per-CPU values, and of perf rings a PERF_EVENT_ARRAY can hold. */
    public static int possibleCpus() {
        return POSSIBLE_CPUS;
    }

    /** Values per key: the possible CPU count for per-CPU maps (not the online count), else 1. */
    public int cpus() {
        return type.perCpu() ? POSSIBLE_CPUS : 1;
    }

    /** Bytes between CPU values: the kernel rounds each per-CPU value up to 8 bytes. */
    public int cpuStride() {
        return type.perCpu() ? (valueSize + 7) & ~7 : valueSize;
    }

    /** Bytes of value buffer one key needs in a lookup. */
    public int valueBufferSize() {
        return cpuStride() * cpus();
    }

    /** "map execve_total of execve.bpf.o". */
    public String describe() {
        return "map " + name + (owner == null ? "" : " of " + owner);
    }

    /** Writes one entry ({@code bpf_map_update_elem} with BPF_ANY). */
    public void update(Pointer key, Pointer value) {
        BpfException.check(Libbpf.bpf_map_update_elem(fd(), key, value, 0), "update " + describe());
    }

    /** Removes one entry ({@code bpf_map_delete_elem}); returns false if there was none. */
    public boolean delete(Pointer key) {
        int rc = Libbpf.bpf_map_delete_elem(fd(), key);
        if (rc == -2) return false; // ENOENT
        BpfException.check(rc, "delete from " + describe());
        return true;
    }

    /** Writes {@code count} entries laid out back to back ({@code bpf_map_update_batch}). */
    public void updateBatch(Memory keys, Memory values, int count) {
        try (Memory n = new Memory(4)) {
            n.setInt(0, count);
            BpfException.check(
                    Libbpf.bpf_map_update_batch(fd(), keys, values, n, null), "update batch of " + describe());
        }
    }

    /**
     * Runs {@code read} of this map while it stays open: for a map of an object, the object's close waits for it
     * and a read after close throws IllegalStateException, never touching a freed fd (a scrape's background read
     * can outlive a reload that closed its probe set's old version).
     */
    public <T> T whileOpen(Supplier<T> read) {
        if (object != null) return object.whileOpen(describe(), read);
        synchronized (this) {
            if (fd < 0) throw new IllegalStateException(describe() + " is closed");
            return read.get();
        }
    }

    /** A reader for full reads of this map; it keeps its buffers between reads. */
    public MapReader reader() {
        return new MapReader(this);
    }

    @Override
    public synchronized void close() {
        if (ownsFd && fd >= 0) {
            LibC.close(fd);
        }
        fd = -1;
    }

    @Override
    public String toString() {
        return describe();
    }
}
