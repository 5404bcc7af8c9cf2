package dev.kprom.agent.probe;

import com.sun.jna.Memory;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.config.ForeignMapSpec;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Opens the maps a probe set reads but did not make ({@link ForeignMapSpec}): read-only, with their own BTF. */
final class ForeignMaps {
    private ForeignMaps() {}

    /** Opens {@code spec}'s map; a {@link ProbeSetException} saying why when it cannot. */
    static BpfMap open(ForeignMapSpec spec, String probeSet) {
        String label = spec.name();
        int fd;
        if (spec.pinned() != null) {
            fd = Libbpf.bpf_obj_get(spec.pinned());
        } else {
            int id = spec.id() != null ? spec.id() : idByName(spec, probeSet);
            fd = Libbpf.bpf_map_get_fd_by_id(id);
        }
        if (fd < 0) {
            throw new ProbeSetException(
                    "foreign map",
                    "probe set " + probeSet + ": foreign map " + label + ": cannot open " + spec.describe() + ": "
                            + new BpfException("open " + spec.describe(), -fd).getMessage());
        }
        BpfMap map = BpfMap.foreign(fd, label);
        return map;
    }

    /** The id of the one map named {@code spec.mapName()} (held by a process of command {@code spec.owner()}). */
    private static int idByName(ForeignMapSpec spec, String probeSet) {
        Set<Integer> named = new TreeSet<>();
        try (Memory next = new Memory(4);
                Memory info = new Memory(128);
                Memory len = new Memory(4)) {
            int id = 0;
            while (Libbpf.bpf_map_get_next_id(id, next) == 0) {
                id = next.getInt(0);
                int fd = Libbpf.bpf_map_get_fd_by_id(id);
                if (fd < 0) continue;
                try {
                    info.clear();
                    len.setInt(0, (int) info.size());
                    if (Libbpf.bpf_obj_get_info_by_fd(fd, info, len) == 0
                            && spec.mapName().equals(info.getString(24))) // struct bpf_map_info: name[16] at 24
                    named.add(id);
                } finally {
                    LibC.close(fd);
                }
            }
        }
        if (spec.owner() != null) named.retainAll(heldBy(spec.owner()));
        if (named.size() != 1) {
            throw new ProbeSetException(
                    "foreign map",
                    "probe set " + probeSet + ": foreign map " + spec.name() + ": " + named.size() + " maps match "
                            + spec.describe() + (named.isEmpty() ? "" : " (ids " + named + "); name the one by id"));
        }
        return named.iterator().next();
    }

    /** Ids of the maps held open by processes whose command is {@code comm}, from their fdinfo. */
    private static Set<Integer> heldBy(String comm) {
        Set<Integer> ids = new TreeSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try {
                    if (!Files.readString(proc.resolve("comm")).trim().equals(comm)) continue;
                    List<Path> fds;
                    try (Stream<Path> s = Files.list(proc.resolve("fdinfo"))) {
                        fds = s.toList();
                    }
                    for (Path fd : fds) {
                        for (String line : Files.readAllLines(fd)) {
                            if (line.startsWith("map_id:"))
                                ids.add(Integer.parseInt(line.substring(7).trim()));
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while read
                }
            }
        } catch (IOException e) {
            throw new ProbeSetException("read /proc to find the maps held by " + comm + ": " + e.getMessage(), e);
        }
        return ids;
    }
}
