package dev.kprom.agent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A user-space function to probe: {@code binary} (an executable or shared library), and the function by
 * {@code symbol} (from its dynamic or static symbol table; libbpf resolves it) or by {@code offset} in the file
 * (with a symbol: an offset into that function); {@code pid} limits the probe to one process (default: every
 * process running the binary). A binary of a process in another mount namespace (a container) is found through
 * {@code /proc/<pid>/root} when {@code pid} is given and the path does not exist on the host.
 * <pre>
 * - program: uprobe_readline
 *   uprobe: {binary: /usr/bin/bash, symbol: readline}
 * </pre>
 */
public record UprobeSpec(String binary, String symbol, Long offset, Integer pid) {
    /** "/usr/bin/bash:readline", "/lib/x.so:0x1f40", "...:readline+0x10", with " pid 42" when limited. */
    public String describe() {
        String where = symbol != null && offset != null
                ? symbol + "+0x" + Long.toHexString(offset)
                : symbol != null ? symbol : "0x" + Long.toHexString(offset == null ? 0 : offset);
        return binary + ":" + where + (pid != null ? " pid " + pid : "");
    }

    /** Problems with this target alone, each as "field: what is wrong", under {@code at} ("uprobe"). */
    List<String> problems(String at) {
        List<String> problems = new ArrayList<>();
        if (binary == null || binary.isBlank()) problems.add(at + ".binary: is required");
        else if (!binary.startsWith("/"))
            problems.add(at + ".binary: must be an absolute path (got \"" + binary + "\")");
        if (symbol == null && offset == null) problems.add(at + ": needs a symbol or an offset (or both)");
        if (offset != null && offset < 0) problems.add(at + ".offset: must be >= 0 (got " + offset + ")");
        if (pid != null && pid <= 0) problems.add(at + ".pid: must be > 0 (got " + pid + ")");
        return problems;
    }
}
