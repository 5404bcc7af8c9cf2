package dev.kprom.agent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A USDT probe (a static tracepoint compiled into a program with {@code <sys/sdt.h>}, as in PostgreSQL, the JVM,
 * Python, libc): {@code binary}, {@code provider} and {@code name}; {@code pid} limits it to one process, whose
 * {@code /proc/<pid>/root} is searched when the binary is not on the host. libbpf reads the probe's location and
 * argument specs from the binary's {@code .note.stapsdt} section.
 * <pre>
 * - program: usdt_query_start
 *   usdt: {binary: /usr/lib/postgresql/15/bin/postgres, provider: postgresql, name: query__start}
 * </pre>
 */
public record UsdtSpec(String binary, String provider, String name, Integer pid) {
    /** "/usr/bin/app:provider:name", with " pid 42" when limited. */
    public String describe() {
        return binary + ":" + provider + ":" + name + (pid != null ? " pid " + pid : "");
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (binary == null || binary.isBlank()) problems.add("usdt.binary: is required");
        else if (!binary.startsWith("/"))
            problems.add("usdt.binary: must be an absolute path (got \"" + binary + "\")");
        if (provider == null || provider.isBlank()) problems.add("usdt.provider: is required");
        if (name == null || name.isBlank()) problems.add("usdt.name: is required");
        if (pid != null && pid <= 0) problems.add("usdt.pid: must be > 0 (got " + pid + ")");
        return problems;
    }
}
