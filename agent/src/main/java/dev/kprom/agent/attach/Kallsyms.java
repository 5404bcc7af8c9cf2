package dev.kprom.agent.attach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves kprobe targets against the kernel's function symbols. Syscall entry points were renamed over the
 * years ({@code sys_connect} became {@code __x64_sys_connect} with {@code __sys_connect} behind it), and a
 * kprobe on a name that no longer exists would count nothing, so a target resolves only to a symbol present now.
 */
public final class Kallsyms {
    private final Path file;
    private final String arch;

    public Kallsyms(Path file, String arch) {
        this.file = file;
        this.arch = arch;
    }

    public static Kallsyms system() {
        return new Kallsyms(Path.of("/proc/kallsyms"), System.getProperty("os.arch"));
    }

    /**
     * Names tried for a target, in order: the name itself, then for {@code sys_X} (or {@code X} given as a bare
     * syscall-looking name) the arch wrapper {@code __x64_sys_X} / {@code __arm64_sys_X}, {@code __se_sys_X} and
     * the inner {@code __sys_X}.
     */
    public List<String> candidates(String target) {
        Set<String> names = new LinkedHashSet<>();
        names.add(target);
        if (target.startsWith("sys_")) {
            String prefix =
                    switch (arch) {
                        case "amd64", "x86_64" -> "__x64_";
                        case "aarch64", "arm64" -> "__arm64_";
                        default -> "";
                    };
            if (!prefix.isEmpty()) names.add(prefix + target);
            names.add("__se_" + target);
            names.add("__" + target);
        }
        return new ArrayList<>(names);
    }

    /** The first candidate that is a function symbol of the running kernel, if any. */
    public Optional<String> resolve(String target) {
        List<String> candidates = candidates(target);
        Set<String> wanted = new HashSet<>(candidates);
        Set<String> found = new HashSet<>();
        forEachSymbol((address, type, name) -> {
            if ((type == 't' || type == 'T') && wanted.contains(name)) found.add(name);
            return true;
        });
        return candidates.stream().filter(found::contains).findFirst();
    }

    /**
     * The addresses of {@code symbols} (any symbol type: functions, data), the first of each name in the file; a
     * symbol the kernel does not have is left out. Addresses read as 0 without CAP_SYSLOG or with kptr_restrict.
     */
    public Map<String, Long> addresses(Set<String> symbols) {
        Map<String, Long> found = new HashMap<>();
        forEachSymbol((address, type, name) -> {
            if (symbols.contains(name)) found.putIfAbsent(name, address);
            return found.size() < symbols.size();
        });
        return found;
    }

    private interface SymbolVisitor {
        /** One symbol; false stops the walk. */
        boolean visit(long address, char type, String name);
    }

    /** Each line "ffffffff81234560 T __x64_sys_connect" (modules add "\t[name]") of the file, in order. */
    private void forEachSymbol(SymbolVisitor visitor) {
        try (BufferedReader in = Files.newBufferedReader(file)) {
            for (String line; (line = in.readLine()) != null; ) {
                int a = line.indexOf(' ');
                int b = line.indexOf(' ', a + 1);
                if (a < 0 || b != a + 2) continue;
                int end = line.indexOf('\t', b + 1);
                String name = end < 0 ? line.substring(b + 1) : line.substring(b + 1, end);
                if (!visitor.visit(Long.parseUnsignedLong(line.substring(0, a), 16), line.charAt(a + 1), name)) return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }
}
