package dev.kprom.agent.inventory;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.kprom.agent.bpf.BpfIterator;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.inventory.InventorySnapshot.BpfMapInfo;
import dev.kprom.agent.inventory.InventorySnapshot.Link;
import dev.kprom.agent.inventory.InventorySnapshot.Owner;
import dev.kprom.agent.inventory.InventorySnapshot.Program;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Walks every BPF program, map and link of the node. Programs and maps come from iterators of kprom's inventory
 * object ({@code probes/bpf_inventory.bpf.c}: one read each, where bpftool's way takes five or more syscalls per
 * object), holders from its task_file iterator, links by id ({@code BPF_LINK_GET_NEXT_ID} and their info: their
 * targets are out of an iterator's reach), pins from the bpffs mounts. What the iterators cannot see is read by
 * syscall and cached: run counts and times (read again while {@code kernel.bpf_stats_enabled} is, or just was, 1:
 * the only time they move), map memlock (read for a new map, then again for {@link #MEMLOCK_REFRESH} maps per walk,
 * oldest first), and the entries of hash-like maps that keep no count (counted key by key within a budget of keys
 * per walk). A walk is kept for {@code refreshNanos} and shared by every metric that reads it. Needs CAP_SYS_ADMIN
 * (objects opened by id). Nothing here writes to a map.
 */
public final class BpfInventory implements AutoCloseable {
    /** Map types whose entries are exported: those with keys (arrays are always full). */
    static final Set<String> COUNTED = Set.of(
            "hash",
            "lru_hash",
            "percpu_hash",
            "lru_percpu_hash",
            "hash_of_maps",
            "lpm_trie",
            "sockhash",
            "devmap_hash");
    /** Map types that keep a count of their entries (6.6+), which the maps iterator reads. */
    static final Set<String> KEEP_COUNT = Set.of("hash", "lru_hash", "percpu_hash", "lru_percpu_hash", "hash_of_maps");
    /** Known maps whose memlock a walk reads again, oldest first. */
    static final int MEMLOCK_REFRESH = 128;
    /** How long a walk serves every read, whatever the refresh: longer than one scrape's reads of it. */
    static final long SHARED_NANOS = 250_000_000L;

    private static final int OWNER_RECORD = 28; // struct owner_record { u32 kind, id, pid; char comm[16]; }
    private static final int PROGRAM_RECORD = 48; // struct program_record
    private static final int MAP_RECORD = 48; // struct map_record
    private static final int INFO_SIZE = 256;
    private static final int NAME_BUFFER = 4096;
    private static final long PAGE_SIZE = LibC.getpagesize();
    private static final Path STATS = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    private final long refreshNanos;
    private final long entriesBudget;
    private final long iteratorMaxBytes;
    private final Pins pins;
    private volatile BpfIterator owners;
    private volatile BpfIterator programIterator;
    private volatile BpfIterator mapIterator;
    private InventorySnapshot last;
    private long lastAt;
    private long walks;
    private boolean statsWereEnabled = true; // the first walk reads every program's
    private Map<Integer, long[]> runStats = new HashMap<>(); // id: {run_cnt, run_time_ns}
    private Map<Integer, long[]> memlocks = new HashMap<>(); // id: {bytes, the walk that read it}
    private final Memory info = new Memory(INFO_SIZE);
    private final Memory infoLen = new Memory(4);
    private final Memory next = new Memory(4);
    private final Memory nameBuffer = new Memory(NAME_BUFFER);

    /**
     * A walk at most every {@code refreshNanos} (0: at every scrape), counting at most {@code entriesBudget} keys of
     * maps that keep no count; iterators read up to {@code iteratorMaxBytes} each; pins from {@code pins}.
     */
    public BpfInventory(long refreshNanos, long entriesBudget, long iteratorMaxBytes, Pins pins) {
        this.refreshNanos = refreshNanos;
        this.entriesBudget = entriesBudget;
        this.iteratorMaxBytes = iteratorMaxBytes;
        this.pins = pins;
    }

    /** The inventory object's iterators, attached: holders, programs and maps. */
    public void iterators(BpfIterator owners, BpfIterator programs, BpfIterator maps) {
        this.owners = owners;
        this.programIterator = programs;
        this.mapIterator = maps;
    }

    /**
     * The last walk if it is recent enough, else a new one. However short the refresh, a walk serves the reads
     * within {@link #SHARED_NANOS} of it: the metrics of one scrape read one walk.
     */
    public synchronized InventorySnapshot snapshot() {
        long now = System.nanoTime();
        if (last == null || now - lastAt >= Math.max(refreshNanos, SHARED_NANOS)) {
            last = walk();
            lastAt = System.nanoTime();
        }
        return last;
    }

    private InventorySnapshot walk() {
        long start = System.nanoTime();
        walks++;
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
        List<Program> programs = programs(held, pinned, attachByProgram);
        List<BpfMapInfo> maps = new ArrayList<>();
        Map<Integer, Long> entries = new HashMap<>();
        int uncounted = maps(held, pinned, maps, entries);
        return new InventorySnapshot(programs, maps, links, entries, uncounted, System.nanoTime() - start);
    }

    /** The programs iterator's records ({@code struct program_record}), with run stats, holders, links and pins. */
    private List<Program> programs(Map<Long, Owner> held, Map<Long, String> pinned, Map<Integer, List<String>> attach) {
        ByteBuffer b = read(programIterator, PROGRAM_RECORD);
        boolean enabled = statsEnabled();
        boolean moving = enabled || statsWereEnabled;
        statsWereEnabled = enabled;
        Map<Integer, long[]> stats = new HashMap<>();
        List<Program> programs = new ArrayList<>();
        for (int at = 0; at < b.limit(); at += PROGRAM_RECORD) {
            // { u32 id, type; u8 tag[8]; char name[16]; u32 jited_bytes, translated_bytes, verified_insns, pages; }
            int id = b.getInt(at);
            int type = b.getInt(at + 4);
            byte[] tag = new byte[8];
            b.get(at + 8, tag);
            long[] runs = moving ? null : runStats.get(id);
            if (runs == null) runs = runStats(id);
            if (runs == null) continue; // gone since the iterator saw it
            stats.put(id, runs);
            programs.add(new Program(
                    id,
                    typeName(Libbpf.libbpf_bpf_prog_type_str(type), type),
                    cString(b, at + 16, 16),
                    tag,
                    runs[0],
                    runs[1],
                    b.getInt(at + 32) & 0xffffffffL,
                    b.getInt(at + 36) & 0xffffffffL,
                    b.getInt(at + 40) & 0xffffffffL,
                    (b.getInt(at + 44) & 0xffffffffL) * PAGE_SIZE,
                    held.getOrDefault(key(0, id), Owner.NONE),
                    String.join("; ", attach.getOrDefault(id, List.of())),
                    pinned.getOrDefault(key(0, id), "")));
        }
        runStats = stats; // programs gone leave the cache
        return programs;
    }

    /** Run count and time of program {@code id} ({@code bpf_prog_info}'s run_cnt 200, run_time_ns 192), or null. */
    private long[] runStats(int id) {
        return byId(
                Libbpf::bpf_prog_get_fd_by_id,
                id,
                fd -> info(fd, false) ? new long[] {info.getLong(200), info.getLong(192)} : null);
    }

    /** What {@code read} makes of object {@code id} opened by {@code open} (an fd by id, closed after); null if gone. */
    private static <T> T byId(IntUnaryOperator open, int id, IntFunction<T> read) {
        int fd = open.applyAsInt(id);
        if (fd < 0) return null;
        try {
            return read.apply(fd);
        } finally {
            LibC.close(fd);
        }
    }

    /**
     * The maps iterator's records ({@code struct map_record}) into {@code maps}, and the entries of hash-like maps
     * into {@code entries}; returns how many hash-like maps went uncounted, the budget spent.
     */
    private int maps(
            Map<Long, Owner> held, Map<Long, String> pinned, List<BpfMapInfo> maps, Map<Integer, Long> entries) {
        ByteBuffer b = read(mapIterator, MAP_RECORD);
        Map<Integer, long[]> seen = new HashMap<>();
        List<Integer> known = new ArrayList<>();
        long budget = entriesBudget;
        int uncounted = 0;
        for (int at = 0; at < b.limit(); at += MAP_RECORD) {
            // { u32 id, type; char name[16]; u32 key_size, value_size, max_entries, flags; s64 entries; }
            int id = b.getInt(at);
            int type = b.getInt(at + 4);
            String typeName = typeName(Libbpf.libbpf_bpf_map_type_str(type), type);
            long[] memlock = memlocks.get(id);
            if (memlock == null) memlock = readMemlock(id);
            else known.add(id);
            if (memlock == null) continue; // gone since the iterator saw it
            seen.put(id, memlock);
            BpfMapInfo m = new BpfMapInfo(
                    id,
                    typeName,
                    cString(b, at + 8, 16),
                    b.getInt(at + 24),
                    b.getInt(at + 28),
                    b.getInt(at + 32),
                    b.getInt(at + 36),
                    memlock[0],
                    held.getOrDefault(key(1, id), Owner.NONE),
                    pinned.getOrDefault(key(1, id), ""));
            maps.add(m);
            long kept = b.getLong(at + 40);
            if (KEEP_COUNT.contains(typeName) && kept >= 0) {
                entries.put(id, kept);
            } else if (COUNTED.contains(typeName)) {
                long n = budget <= 0 ? -1 : countEntries(id, m, budget);
                if (n < 0) {
                    uncounted++;
                    budget = 0;
                } else {
                    entries.put(id, n);
                    budget -= n;
                }
            }
        }
        known.sort(Comparator.comparingLong(id -> seen.get(id)[1])); // read longest ago first
        for (int id : known.subList(0, Math.min(MEMLOCK_REFRESH, known.size()))) {
            long[] fresh = readMemlock(id);
            if (fresh != null) seen.put(id, fresh);
        }
        memlocks = seen; // maps gone leave the cache
        return uncounted;
    }

    /** Map {@code id}'s memlock from its fdinfo, with this walk's number; null when it is gone. */
    private long[] readMemlock(int id) {
        return byId(Libbpf::bpf_map_get_fd_by_id, id, fd ->
                new long[] {FdInfo.of(fd).memlock(), walks});
    }

    /**
     * The entries of map {@code id}, read in batches as a scrape reads a map, up to {@code budget}; -1 when the
     * budget ran out first or the map cannot be read.
     */
    private static long countEntries(int id, BpfMapInfo m, long budget) {
        int fd = Libbpf.bpf_map_get_fd_by_id(id);
        if (fd < 0) return -1;
        long[] n = {0};
        try (BpfMap map = BpfMap.adopt(fd, "map " + m.name() + " (id " + id + ")")) {
            map.reader().forEach((keys, keyOffset, values, valueOffset) -> {
                if (++n[0] > budget) throw BudgetSpent.INSTANCE;
            });
            return n[0];
        } catch (RuntimeException e) { // the budget spent, or a map the kernel cannot walk
            return -1;
        }
    }

    /** Ends a count that reached the walk's budget. */
    private static final class BudgetSpent extends RuntimeException {
        static final BudgetSpent INSTANCE = new BudgetSpent();

        private BudgetSpent() {
            super(null, null, false, false);
        }
    }

    /** Who holds each object open, from the owners iterator: (kind, id) to the lowest process id. */
    private Map<Long, Owner> owners() {
        Map<Long, Owner> held = new HashMap<>();
        ByteBuffer b = read(owners, OWNER_RECORD);
        for (int at = 0; at < b.limit(); at += OWNER_RECORD) {
            Owner o = new Owner(b.getInt(at + 8), cString(b, at + 12, 16));
            held.merge(key(b.getInt(at), b.getInt(at + 4)), o, (a, c) -> a.pid() <= c.pid() ? a : c);
        }
        return held;
    }

    /** One run of {@code iterator}: whole records of {@code size} bytes. */
    private ByteBuffer read(BpfIterator iterator, int size) {
        if (iterator == null) throw new IllegalStateException("the BPF inventory's iterators are not attached");
        synchronized (iterator) {
            ByteBuffer b = iterator.read(iteratorMaxBytes);
            if (b.limit() % size != 0) {
                throw new IllegalStateException(iterator.description() + " wrote " + b.limit()
                        + " bytes, not a whole number of " + size + "-byte records");
            }
            return b; // valid until this iterator's next read, in the next walk
        }
    }

    /** kernel.bpf_stats_enabled is 1: run counts and times move. */
    private static boolean statsEnabled() {
        try {
            return Files.readString(STATS).trim().equals("1");
        } catch (IOException e) {
            return false;
        }
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

    private Link link(int id, Map<Long, Owner> held, Map<Long, String> pinned) {
        return byId(Libbpf::bpf_link_get_fd_by_id, id, fd -> link(fd, id, held, pinned));
    }

    private Link link(int fd, int id, Map<Long, Owner> held, Map<Long, String> pinned) {
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

    /** A NUL-terminated string of {@code buffer} at {@code offset}, at most {@code size} bytes. */
    private static String cString(ByteBuffer buffer, int offset, int size) {
        byte[] b = new byte[size];
        buffer.get(offset, b);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** One key for (kind, id): kind 0 program, 1 map, 2 link, as probes/bpf_inventory.bpf.c writes it. */
    static long key(int kind, int id) {
        return ((long) kind << 32) | (id & 0xffffffffL);
    }

    @Override
    public synchronized void close() {
        owners = null;
        programIterator = null;
        mapIterator = null;
        last = null;
    }
}
