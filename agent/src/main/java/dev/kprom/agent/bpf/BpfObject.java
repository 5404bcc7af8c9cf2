package dev.kprom.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.kprom.agent.btf.BtfTypes;
import dev.kprom.agent.btf.KernelBtf;
import dev.kprom.agent.btf.KeyValueRecord;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Libbpf;
import dev.kprom.agent.libbpf.LibbpfLog;
import dev.kprom.exporter.source.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An opened BPF ELF object ({@code struct bpf_object}): open, choose which programs load, {@link #load()},
 * then attach programs and read maps. Closing it unloads its programs and frees its maps; close the links
 * attached from it first.
 */
public final class BpfObject implements AutoCloseable {
    /** libbpf names the program whose load failed: "libbpf: prog 'tp_execve': BPF program load failed: ...". */
    private static final Pattern FAILED_PROG =
            Pattern.compile("prog '([^']+)': (?:BPF program load failed|failed to load)");

    private static final int LOG_TAIL_LINES = 12;

    private final String name;
    private final Memory elf; // open_mem keeps pointing at the buffer until close
    private Pointer obj;
    private boolean loaded;
    /** Held for reading by map reads, for writing by close: no read runs on a freed object. */
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();

    private BpfObject(String name, Pointer obj, Memory elf) {
        this.name = name;
        this.obj = obj;
        this.elf = elf;
    }

    static {
        LibbpfLog.install();
    }

    public static BpfObject openFile(Path path) {
        Pointer obj = Libbpf.bpf_object__open_file(path.toString(), null);
        if (obj == null) throw new BpfException("open " + path, Native.getLastError());
        return new BpfObject(path.getFileName().toString(), obj, null);
    }

    /**
     * Opens an object from bytes (a {@code .bpf.o} packed in the jar); {@code name} is used in messages. CO-RE
     * relocates it against {@link KernelBtf#inUse()} (btf_path), else the kernel's own BTF.
     */
    public static BpfObject openMemory(String name, byte[] bytes) {
        Memory elf = new Memory(bytes.length);
        elf.write(0, bytes, 0, bytes.length);
        Path btf = KernelBtf.inUse();
        // struct bpf_object_open_opts { size_t sz; const char *object_name; bool relaxed_maps; const char
        // *pin_root_path; __u32 :32; const char *kconfig; const char *btf_custom_path; ... }: libbpf accepts a
        // prefix of it and copies the name, so its own messages name the object instead of a buffer address.
        try (Memory objectName = new Memory(name.length() + 1L);
                Memory btfPath = new Memory(btf == null ? 1 : btf.toString().length() + 1L);
                Memory opts = new Memory(btf == null ? 16 : 56)) {
            opts.clear();
            objectName.setString(0, name, "US-ASCII");
            opts.setLong(0, opts.size());
            opts.setPointer(8, objectName);
            if (btf != null) {
                btfPath.setString(0, btf.toString(), "UTF-8");
                opts.setPointer(48, btfPath);
            }
            Pointer obj = Libbpf.bpf_object__open_mem(elf, bytes.length, opts);
            if (obj == null) {
                int errno = Native.getLastError();
                elf.close();
                throw new BpfException("open " + name + (btf != null ? " with BTF " + btf : ""), errno);
            }
            return new BpfObject(name, obj, elf);
        }
    }

    /** The file name the object came from: "execve.bpf.o". */
    public String name() {
        return name;
    }

    public List<BpfProgram> programs() {
        List<BpfProgram> programs = new ArrayList<>();
        for (Pointer p = Libbpf.bpf_object__next_program(handle(), null);
                p != null;
                p = Libbpf.bpf_object__next_program(obj, p)) {
            programs.add(new BpfProgram(this, p));
        }
        return programs;
    }

    public BpfProgram program(String programName) {
        List<BpfProgram> programs = programs();
        return programs.stream()
                .filter(p -> p.name().equals(programName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no program " + programName + " (it has: "
                        + programs.stream().map(BpfProgram::name).collect(Collectors.joining(", ")) + ")"));
    }

    /** Loads every program left to autoload into the kernel and creates the maps. */
    public void load() {
        LibbpfLog.startCapture();
        int rc = Libbpf.bpf_object__load(handle());
        List<String> log = LibbpfLog.stopCapture(rc >= 0);
        if (rc < 0) {
            String program = null;
            for (String line : log) {
                Matcher m = FAILED_PROG.matcher(line);
                if (m.find()) program = m.group(1);
            }
            // The verifier's verdict is the line before its "processed N insns" summary.
            String verdict = null;
            for (int i = 1; i < log.size(); i++) {
                if (log.get(i).startsWith("processed ")) verdict = log.get(i - 1);
            }
            String tail = log.subList(Math.max(0, log.size() - LOG_TAIL_LINES), log.size()).stream()
                    .map(l -> "  " + l)
                    .collect(Collectors.joining("\n"));
            throw new BpfLoadException(
                    "load " + name + (program == null ? "" : ": program " + program), -rc, program, verdict, tail);
        }
        loaded = true;
    }

    /** Loaded and not yet closed: its maps and programs exist in the kernel. */
    public synchronized boolean loaded() {
        return loaded && obj != null;
    }

    /** The members of struct {@code name} in the object's BTF (an event record's layout), if it has one. */
    public Optional<List<Field>> structFields(String name) {
        BtfTypes btf = btf();
        return btf == null ? Optional.empty() : btf.structFields(name);
    }

    /** Struct {@code name} as a {@code {key; value;}} record (an iterator's), if the object's BTF has it. */
    public Optional<KeyValueRecord> keyValueRecord(String name) {
        BtfTypes btf = btf();
        return btf == null ? Optional.empty() : btf.keyValueRecord(name);
    }

    synchronized boolean open() {
        return obj != null;
    }

    /** The object's maps, with key and value struct layouts from its BTF where it has them. */
    public List<BpfMap> maps() {
        List<BpfMap> maps = new ArrayList<>();
        BtfTypes btf = btf();
        for (Pointer m = Libbpf.bpf_object__next_map(handle(), null);
                m != null;
                m = Libbpf.bpf_object__next_map(obj, m)) {
            maps.add(BpfMap.of(this, m, btf));
        }
        return maps;
    }

    BtfTypes btfTypes() {
        return btf();
    }

    private BtfTypes btf() {
        Pointer btf = Libbpf.bpf_object__btf(handle());
        return btf == null ? null : new BtfTypes(btf);
    }

    /**
     * Sets {@code const volatile} globals before {@link #load()}: each name must be a variable of .rodata (from
     * BTF); integers are written little-endian at the variable's size, strings NUL-padded into char arrays.
     * Returns a problem per constant that does not fit, keyed by its name; nothing is written if any fails.
     */
    public Map<String, String> setConstants(Map<String, Object> constants) {
        Map<String, String> problems = new TreeMap<>();
        if (constants.isEmpty()) return problems;
        BtfTypes btf = btf();
        Pointer rodata = null;
        for (Pointer m = Libbpf.bpf_object__next_map(handle(), null);
                m != null;
                m = Libbpf.bpf_object__next_map(obj, m)) {
            if (Libbpf.bpf_map__name(m).endsWith(".rodata")) rodata = m;
        }
        List<Field> vars = btf == null ? List.of() : btf.sectionVariables(".rodata");
        if (rodata == null || vars.isEmpty()) {
            constants
                    .keySet()
                    .forEach(k -> problems.put(k, name + " has no const volatile globals (.rodata with BTF) to set"));
            return problems;
        }
        try (Memory sizeOut = new Memory(8)) {
            Pointer initial = Libbpf.bpf_map__initial_value(rodata, sizeOut);
            long size = sizeOut.getLong(0);
            byte[] data = initial.getByteArray(0, (int) size);
            constants.forEach((k, v) -> {
                Field var = vars.stream()
                        .filter(f -> f.name().equals(k))
                        .findFirst()
                        .orElse(null);
                if (var == null) {
                    problems.put(
                            k,
                            name + " has no const volatile \"" + k + "\" (it has: "
                                    + vars.stream().map(Field::name).collect(Collectors.joining(", ")) + ")");
                    return;
                }
                String err = Constants.write(data, var, v);
                if (err != null) problems.put(k, err);
            });
            if (problems.isEmpty()) {
                try (Memory copy = new Memory(size)) {
                    copy.write(0, data, 0, data.length);
                    BpfException.check(
                            Libbpf.bpf_map__set_initial_value(rodata, copy, size), "set constants of " + name);
                }
            }
        }
        return problems;
    }

    public BpfMap map(String mapName) {
        List<BpfMap> maps = maps();
        return maps.stream()
                .filter(m -> m.name().equals(mapName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no map " + mapName + " (it has: "
                        + maps.stream().map(BpfMap::name).collect(Collectors.joining(", ")) + ")"));
    }

    private Pointer handle() {
        if (obj == null) throw new IllegalStateException(name + " is closed");
        return obj;
    }

    /** Runs a read of one of this object's maps ({@code what}) while the object stays open: see {@link #close()}. */
    <T> T whileOpen(String what, Supplier<T> read) {
        open.readLock().lock();
        try {
            if (obj == null) throw new IllegalStateException(what + ": " + name + " is closed");
            return read.get();
        } finally {
            open.readLock().unlock();
        }
    }

    /** Waits for reads of its maps in progress to end, then frees the object: its programs, maps and fds. */
    @Override
    public void close() {
        open.writeLock().lock(); // before the monitor: a read holding the read lock may still call into this object
        try {
            synchronized (this) {
                if (obj != null) {
                    Libbpf.bpf_object__close(obj);
                    obj = null;
                    if (elf != null) elf.close();
                }
            }
        } finally {
            open.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
