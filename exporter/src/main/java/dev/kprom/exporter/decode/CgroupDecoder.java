package dev.kprom.exporter.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@code cgroup}: a cgroup v2 id (8 bytes, as from {@code bpf_get_current_cgroup_id()}) as its path below the
 * cgroup2 mount ({@code root}, default {@link #v2Root()}): the id is the inode number of the cgroup's directory.
 * Unknown ids rescan the tree at most once per second; still unknown, they stay numbers, and the next scrape past
 * that second rescans for them ({@link #generation()}): a scan that finds new cgroups (a pod started just after the
 * last one) has what was decoded as a number decoded again.
 */
public final class CgroupDecoder implements Decoder {
    private static final long RESCAN_NANOS = 1_000_000_000L;
    private final Path root;
    private final Map<Long, String> paths = new ConcurrentHashMap<>();
    private volatile long lastScan = Long.MIN_VALUE / 2;
    /** An id was left a number since the last scan. */
    private volatile boolean unknownSeen;
    /** Scans that found cgroups not known before. */
    private volatile long found;

    /**
     * Where cgroup v2 is mounted: /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid one (v1
     * controllers, v2 beside them: the ids BPF gives are v2's).
     */
    public static Path v2Root() {
        Path unified = Path.of("/sys/fs/cgroup");
        if (Files.exists(unified.resolve("cgroup.controllers"))) return unified;
        Path hybrid = unified.resolve("unified");
        return Files.isDirectory(hybrid) ? hybrid : unified;
    }

    private static final Map<Path, CgroupDecoder> SHARED = new ConcurrentHashMap<>();

    /**
     * The one decoder of ids below {@code root} in this process: every label that decodes a cgroup (execve's
     * namespace, pod, container and workload read one field four times) shares its paths and its rescans.
     */
    public static CgroupDecoder of(Path root) {
        return SHARED.computeIfAbsent(root.toAbsolutePath().normalize(), CgroupDecoder::new);
    }

    public CgroupDecoder(Path root) {
        this.root = root;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        long id = Ints.unsigned(in);
        String path = paths.get(id);
        if (path == null && System.nanoTime() - lastScan > RESCAN_NANOS) {
            scan();
            path = paths.get(id);
        }
        if (path == null) unknownSeen = true;
        return path != null ? Ints.text(path) : Ints.text(id);
    }

    /** Rescans, once the second has passed, for ids left numbers; a scan that found new cgroups moves this. */
    @Override
    public long generation() {
        if (unknownSeen && System.nanoTime() - lastScan > RESCAN_NANOS) {
            unknownSeen = false;
            scan();
        }
        return found;
    }

    private synchronized void scan() {
        lastScan = System.nanoTime();
        int before = paths.size();
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory).forEach(dir -> {
                try {
                    Object inode =
                            Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
                    Long ino = inode == null ? null : inodeOf(inode.toString());
                    if (ino != null) {
                        String rel = "/" + root.relativize(dir).toString();
                        paths.put(ino, rel.equals("/") ? "/" : rel);
                    }
                } catch (IOException e) {
                    // the cgroup went away while we walked: skip it
                }
            });
        } catch (IOException | RuntimeException e) {
            // an unreadable tree leaves ids as numbers
        }
        if (paths.size() > before) found++;
    }

    /** UnixFileKey prints as "(dev=...,ino=1234)". */
    static Long inodeOf(String fileKey) {
        int i = fileKey.indexOf("ino=");
        if (i < 0) return null;
        int end = i + 4;
        while (end < fileKey.length() && Character.isDigit(fileKey.charAt(end))) end++;
        return Long.parseLong(fileKey.substring(i + 4, end));
    }
}
