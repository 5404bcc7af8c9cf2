package dev.kprom.exporter.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code pid_cgroup}: a process id (as {@code uint} gives it) as its cgroup path from {@code /proc/<pid>/cgroup}:
 * the cgroup v2 path ({@code 0::/...}) where it is not the root, else the first v1 hierarchy's path that is a
 * Kubernetes one (cgroup v1 nodes), else the v2 or first path. A process gone gives the empty string. For
 * {@code kube_*} decoders on keys that carry a pid but no cgroup id.
 */
public final class PidCgroupDecoder implements Decoder {
    private final Path proc;

    public PidCgroupDecoder(Path proc) {
        this.proc = proc;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        String pid = new String(in, StandardCharsets.UTF_8).trim();
        if (!pid.matches("\\d+")) throw new IllegalArgumentException("pid_cgroup: not a process id: " + pid);
        String v2 = null;
        String kube = null;
        String first = null;
        try {
            for (String line : Files.readAllLines(proc.resolve(pid).resolve("cgroup"))) {
                int colon = line.indexOf(':', line.indexOf(':') + 1);
                if (colon < 0) continue;
                String path = line.substring(colon + 1);
                if (line.startsWith("0::")) v2 = path;
                else if (kube == null && path.contains("kubepods")) kube = path;
                if (first == null) first = path;
            }
        } catch (IOException e) {
            return Ints.text("");
        }
        String chosen = v2 != null && !v2.equals("/") ? v2 : kube != null ? kube : v2 != null ? v2 : first;
        return Ints.text(chosen == null ? "" : chosen);
    }
}
