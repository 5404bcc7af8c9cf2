package dev.kprom.agent.inventory;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.kprom.agent.bpf.BpfIterator;
import dev.kprom.agent.inventory.InventorySnapshot.BpfMapInfo;
import dev.kprom.agent.inventory.InventorySnapshot.Link;
import dev.kprom.agent.inventory.InventorySnapshot.Owner;
import dev.kprom.agent.inventory.InventorySnapshot.Program;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Walks every BPF program, map and link of the node by id ({@code BPF_*_GET_NEXT_ID}, then
 * {@code BPF_OBJ_GET_INFO_BY_FD} on an fd opened by id, as bpftool does), finds their holders through the owners
 * iterator ({@code probes/bpf_owners.bpf.c}) and their pins under bpffs, and counts the entries of hash-like maps
 * within a budget of keys per walk. A walk is kept for {@code refreshNanos} and shared by every metric that reads
 * it. Opening objects by id needs CAP_SYS_ADMIN. Nothing here writes to a map.
 */
public final class BpfInventory implements AutoCloseable {
    /** Map types whose entries are counted: those with keys to walk (arrays are always full). */
    static final Set<String> COUNTED = Set.of(
            "hash",
            "lru_hash",
            "percpu_hash",
            "lru_percpu_hash",
            "hash_of_maps",
            "lpm_trie",
            "sockhash",
            "devmap_hash");

    private static final int OWNER_RECORD = 28; // struct owner_record { u32 kind, id, pid; char comm[16]; }
    private static final int INFO_SIZE = 256;
    private static final int NAME_BUFFER = 4096;

    private final long refreshNanos;
    private final long entriesBudget;
    private final long ownersMaxBytes;
    private volatile BpfIterator owners;
    private InventorySnapshot last;
    private long lastAt;
    private final Memory info = new Memory(INFO_SIZE);
    private final Memory infoLen = new Memory(4);
    private final Memory next = new Memory(4);
    private final Memory nameBuffer = new Memory(NAME_BUFFER);
    private Memory keys = new Memory(64);
    private final Pins pins;

    /**
     * A walk at most every {@code refreshNanos} (0: at every read), counting at most {@code entriesBudget} map keys
     * per walk; owners read from an iterator of up to {@code ownersMaxBytes}; pins found under the bpffs mounts.
     */
    public BpfInventory(long refreshNanos, long entriesBudget, long ownersMaxBytes, Pins pins) {
        this.refreshNanos = refreshNanos;
        this.entriesBudget = entriesBudget;
        this.ownersMaxBytes = ownersMaxBytes;
        this.pins = pins;
    }

    /** The owners iterator, attached: from now on walks name the processes holding each object. */
    public void ownersFrom(BpfIterator iterator) {
        owners = iterator;
    }

    /** The last walk if it is recent enough, else a new one. */
    public synchronized InventorySnapshot snapshot() {
        long now = System.nanoTime();
        if (last == null || now - lastAt >= refreshNanos) {
            last = walk();
            lastAt = System.nanoTime();
        }
        return last;
    }

    private InventorySnapshot walk() {
        long start = System.nanoTime();
        Map<Long, Owner> held = owners();
        Map<Long, String> pinned = pins.find();
        List<Link> links = new ArrayList<>();
        Map<Integer, List<String>> attachByProgram = new TreeMap<>();
        for (int id : ids(Libbpf::bpf_link_get_next_id)) {
            Link link = link(id, held, pinned);
            if (link == null) continue;
            links.add(link);
            attachByProgram
                    .computeIfAbsent(link.programId(), k -> new ArrayList<>())
                    .add(link.attach());
        }
        List<Program> programs = new ArrayList<>();
        for (int id : ids(Libbpf::bpf_prog_get_next_id)) {
            Program p = program(id, held, pinned, attachByProgram);
            if (p != null) programs.add(p);
        }
        List<BpfMapInfo> maps = new ArrayList<>();
        Map<Integer, Long> entries = new HashMap<>();
        long budget = entriesBudget;
        int uncounted = 0;
        for (int id : ids(Libbpf::bpf_map_get_next_id)) {
            int fd = Libbpf.bpf_map_get_fd_by_id(id);
            if (fd < 0) continue; // gone since its id was listed
            try {
                BpfMapInfo m = map(fd, id, held, pinned);
                if (m == null) continue;
                maps.add(m);
                if (!COUNTED.contains(m.type())) continue;
                if (budget <= 0) {
                    uncounted++;
                    continue;
                }
                long n = countKeys(fd, m.keySize(), budget);
                if (n < 0) {
                    uncounted++;
                    budget = 0;
                } else {
                    entries.put(id, n);
                    budget -= n;
                }
            } finally {
                LibC.close(fd);
            }
        }
        return new InventorySnapshot(programs, maps, links, entries, uncounted, System.nanoTime() - start);
    }

    /** Every id the {@code getNext} walk lists, in order. */
    private List<Integer> ids(IdWalk getNext) {
        List<Integer> ids = new ArrayList<>();
        int id = 0;
        while (getNext.next(id, next) == 0) {
            id = next.getInt(0);
            ids.add(id);
        }
        int errno = Native.getLastError();
        if (errno != Errno.ENOENT && ids.isEmpty() && errno != 0) {
            throw new BpfException("list the kernel's BPF objects by id (needs CAP_SYS_ADMIN)", errno);
        }
        return ids;
    }

    @FunctionalInterface
    private interface IdWalk {
        int next(int start, Memory next);
    }

    /** {@code bpf_obj_get_info_by_fd} into {@link #info} (cleared first, unless {@code keep}); false when it fails. */
    private boolean info(int fd, boolean keep) {
        if (!keep) info.clear();
        infoLen.setInt(0, INFO_SIZE);
        return Libbpf.bpf_obj_get_info_by_fd(fd, info, infoLen) == 0;
    }

    private Program program(
            int id, Map<Long, Owner> held, Map<Long, String> pinned, Map<Integer, List<String>> attach) {
        int fd = Libbpf.bpf_prog_get_fd_by_id(id);
        if (fd < 0) return null;
        try {
            if (!info(fd, false)) return null;
            // struct bpf_prog_info: type 0, id 4, tag[8] 8, jited_prog_len 16, xlated_prog_len 20, created_by_uid 48,
            // name[16] 64, run_time_ns 192, run_cnt 200, verified_insns 216
            byte[] tag = info.getByteArray(8, 8);
            return new Program(
                    id,
                    typeName(Libbpf.libbpf_bpf_prog_type_str(info.getInt(0)), info.getInt(0)),
                    cString(64, 16),
                    tag,
                    info.getInt(48),
                    info.getLong(200),
                    info.getLong(192),
                    info.getInt(16) & 0xffffffffL,
                    info.getInt(20) & 0xffffffffL,
                    info.getInt(216) & 0xffffffffL,
                    FdInfo.of(fd).memlock(),
                    held.getOrDefault(key(0, id), Owner.NONE),
                    String.join("; ", attach.getOrDefault(id, List.of())),
                    pinned.getOrDefault(key(0, id), ""));
        } finally {
            LibC.close(fd);
        }
    }

    private BpfMapInfo map(int fd, int id, Map<Long, Owner> held, Map<Long, String> pinned) {
        if (!info(fd, false)) return null;
        // struct bpf_map_info: type 0, id 4, key_size 8, value_size 12, max_entries 16, map_flags 20, name[16] 24
        return new BpfMapInfo(
                id,
                typeName(Libbpf.libbpf_bpf_map_type_str(info.getInt(0)), info.getInt(0)),
                cString(24, 16),
                info.getInt(8),
                info.getInt(12),
                info.getInt(16),
                info.getInt(20),
                FdInfo.of(fd).memlock(),
                held.getOrDefault(key(1, id), Owner.NONE),
                pinned.getOrDefault(key(1, id), ""));
    }

    private Link link(int id, Map<Long, Owner> held, Map<Long, String> pinned) {
        int fd = Libbpf.bpf_link_get_fd_by_id(id);
        if (fd < 0) return null;
        try {
            if (!info(fd, false)) return null;
            // struct bpf_link_info: type 0, id 4, prog_id 8, then a union at 16 by type
            int type = info.getInt(0);
            int program = info.getInt(8);
            String typeName = typeName(Libbpf.libbpf_bpf_link_type_str(type), type);
            String attach =
                    switch (type) {
                        case 1 -> "raw_tracepoint " + named(fd, 16, 24); // raw_tracepoint: tp_name, tp_name_len
                        case 2 -> attachType(info.getInt(16)) + " btf id " + info.getInt(24); // tracing
                        case 3 -> attachType(info.getInt(24)) + " cgroup "
                                + info.getLong(16); // cgroup: cgroup_id, attach_type
                        case 4 -> "iter " + named(fd, 16, 24); // iter: target_name, target_name_len
                        case 5 -> attachType(info.getInt(20)) + " netns " + (info.getInt(16) & 0xffffffffL);
                        case 6 -> "xdp ifindex " + info.getInt(16);
                        case 7 -> perfEvent(fd);
                        case 11, 13 -> attachType(info.getInt(20)) + " ifindex " + info.getInt(16); // tcx, netkit
                        default -> typeName;
                    };
            return new Link(
                    id,
                    typeName,
                    program,
                    attach,
                    held.getOrDefault(key(2, id), Owner.NONE),
                    pinned.getOrDefault(key(2, id), ""));
        } finally {
            LibC.close(fd);
        }
    }

    /** perf_event links (6.6+ describe them): type at 16, then the name pointer at 24, its length at 32. */
    private String perfEvent(int fd) {
        int kind = info.getInt(16);
        String kindName =
                switch (kind) {
                    case 1 -> "uprobe";
                    case 2 -> "uretprobe";
                    case 3 -> "kprobe";
                    case 4 -> "kretprobe";
                    case 5 -> "tracepoint";
                    case 6 -> "perf_event";
                    default -> "perf_event";
                };
        if (kind == 6) return "perf_event type " + info.getInt(32) + " config " + info.getLong(24);
        if (kind < 1 || kind > 5) return kindName;
        String name = named(fd, 24, 32);
        return kind == 5 ? kindName + " " + name : kindName + " " + name + "+" + info.getInt(36);
    }

    /** Asks again with {@link #nameBuffer} at {@code pointerAt} and its size at {@code lengthAt}; the name. */
    private String named(int fd, int pointerAt, int lengthAt) {
        nameBuffer.setByte(0, (byte) 0);
        info.setLong(pointerAt, Pointer.nativeValue(nameBuffer));
        info.setInt(lengthAt, NAME_BUFFER);
        if (!info(fd, true)) return "?";
        return nameBuffer.getString(0, StandardCharsets.UTF_8.name());
    }

    private static String attachType(int t) {
        return typeName(Libbpf.libbpf_bpf_attach_type_str(t), t);
    }

    private static String typeName(String name, int value) {
        return name != null ? name : "type " + value;
    }

    /** A NUL-terminated string of {@link #info} at {@code offset}, at most {@code size} bytes. */
    private String cString(int offset, int size) {
        byte[] b = info.getByteArray(offset, size);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * The keys of map {@code fd} ({@code keySize} bytes each) counted with {@code bpf_map_get_next_key}, up to
     * {@code budget}; -1 when the budget ran out first.
     */
    private long countKeys(int fd, int keySize, long budget) {
        if (keys.size() < 2L * keySize) keys = new Memory(2L * keySize);
        Pointer key = keys;
        Pointer nextKey = keys.share(keySize);
        if (Libbpf.bpf_map_get_next_key(fd, null, key) != 0) return 0;
        long n = 1;
        while (Libbpf.bpf_map_get_next_key(fd, key, nextKey) == 0) {
            if (++n > budget) return -1;
            Pointer t = key;
            key = nextKey;
            nextKey = t;
        }
        return n;
    }

    /** Who holds each object open, from the owners iterator: (kind, id) to the lowest process id. */
    private Map<Long, Owner> owners() {
        Map<Long, Owner> held = new HashMap<>();
        BpfIterator it = owners;
        if (it == null) return held;
        synchronized (it) {
            ByteBuffer b = it.read(ownersMaxBytes);
            for (int at = 0; at + OWNER_RECORD <= b.limit(); at += OWNER_RECORD) {
                long k = key(b.getInt(at), b.getInt(at + 4));
                int pid = b.getInt(at + 8);
                byte[] comm = new byte[16];
                b.get(at + 12, comm);
                int n = 0;
                while (n < 16 && comm[n] != 0) n++;
                Owner o = new Owner(pid, new String(comm, 0, n, StandardCharsets.UTF_8));
                held.merge(k, o, (a, c) -> a.pid() <= c.pid() ? a : c);
            }
        }
        return held;
    }

    /** One key for (kind, id): kind 0 program, 1 map, 2 link, as probes/bpf_owners.bpf.c writes it. */
    static long key(int kind, int id) {
        return ((long) kind << 32) | (id & 0xffffffffL);
    }

    @Override
    public synchronized void close() {
        owners = null;
        last = null;
    }
}
