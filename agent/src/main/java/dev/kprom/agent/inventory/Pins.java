package dev.kprom.agent.inventory;

import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where objects are pinned: every bpffs mount (from {@code /proc/self/mounts}) walked to {@code maxFiles} files,
 * each pinned file opened ({@code BPF_OBJ_GET}) and named by its fdinfo's kind and id. The first path found for an
 * object is kept.
 */
public final class Pins {
    private final Path mounts;
    private final int maxFiles;

    public Pins(Path mounts, int maxFiles) {
        this.mounts = mounts;
        this.maxFiles = maxFiles;
    }

    /** Pins of this machine: bpffs mounts of /proc/self/mounts, at most 10,000 files. */
    public static Pins system() {
        return new Pins(Path.of("/proc/self/mounts"), 10_000);
    }

    /** Pinned paths by {@link BpfInventory#key} (kind 0 program, 1 map, 2 link). */
    Map<Long, String> find() {
        Map<Long, String> pinned = new HashMap<>();
        int[] budget = {maxFiles};
        for (Path root : bpffsMounts()) {
            try (Stream<Path> files = Files.find(root, 16, (p, a) -> a.isRegularFile() && budget[0]-- > 0)) {
                files.forEach(p -> {
                    int fd = Libbpf.bpf_obj_get(p.toString());
                    if (fd < 0) return;
                    try {
                        FdInfo info = FdInfo.of(fd);
                        int kind =
                                switch (info.kind()) {
                                    case "prog" -> 0;
                                    case "map" -> 1;
                                    case "link" -> 2;
                                    default -> -1;
                                };
                        if (kind >= 0) pinned.putIfAbsent(BpfInventory.key(kind, info.id()), p.toString());
                    } finally {
                        LibC.close(fd);
                    }
                });
            } catch (IOException | RuntimeException e) {
                // a mount gone or unreadable: its pins stay unnamed
            }
        }
        return pinned;
    }

    private List<Path> bpffsMounts() {
        List<Path> roots = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(mounts)) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("bpf")) {
                    Path p = Path.of(f[1].replace("\\040", " "));
                    if (Files.isDirectory(p) && !roots.contains(p)) roots.add(p);
                }
            }
        } catch (IOException e) {
            // no mounts to read: no pins
        }
        return roots;
    }
}
