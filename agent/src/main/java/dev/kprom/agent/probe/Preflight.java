package dev.kprom.agent.probe;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.KprobeSupport;
import dev.kprom.agent.config.AttachSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks an attach alternative against the running kernel before anything is loaded, so that an alternative
 * that cannot work is skipped with a plain reason rather than failing obscurely later.
 */
final class Preflight {
    /** Either the target to attach to (kprobe symbols resolved) or why this alternative cannot work here. */
    record Result(String target, String skipReason) {
        static Result ok(String target) {
            return new Result(target, null);
        }

        static Result skip(String reason) {
            return new Result(null, reason);
        }

        boolean usable() {
            return skipReason == null;
        }
    }

    private final Path tracefs;
    private final Kallsyms kallsyms;

    Preflight(Path tracefs, Kallsyms kallsyms) {
        this.tracefs = tracefs;
        this.kallsyms = kallsyms;
    }

    Result check(AttachSpec alt) {
        return switch (alt.kind()) {
            case KPROBE, KRETPROBE -> kprobe(alt.target());
            case TRACEPOINT -> tracepoint(alt.target());
            case RAW_TRACEPOINT, AUTO -> Result.ok(alt.target());
        };
    }

    private Result kprobe(String function) {
        Optional<String> missing = KprobeSupport.missing(tracefs);
        if (missing.isPresent()) return Result.skip(missing.get());
        return kallsyms.resolve(function).map(Result::ok).orElseGet(() -> Result.skip("no kernel function matches \""
                + function + "\" in /proc/kallsyms (tried " + String.join(", ", kallsyms.candidates(function)) + ")"));
    }

    private Result tracepoint(String tracepoint) {
        Path dir = tracefs.resolve("events").resolve(tracepoint);
        return Files.isDirectory(dir) ? Result.ok(tracepoint)
                : Result.skip("tracepoint " + tracepoint + " does not exist on this kernel (no " + dir + ")");
    }
}
