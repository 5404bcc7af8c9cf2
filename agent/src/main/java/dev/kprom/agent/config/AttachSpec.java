package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * One way to attach a program: exactly one of the target fields is set.
 * <pre>
 * - program: kprobe_execve
 *   kprobe: sys_execve                    # resolved via /proc/kallsyms
 * - program: tp_execve
 *   tracepoint: syscalls/sys_enter_execve
 * </pre>
 */
public record AttachSpec(
        String program,
        String kprobe,
        String kretprobe,
        String tracepoint,
        @JsonProperty("raw_tracepoint") String rawTracepoint,
        /** Attach as the program's SEC() says (fentry, tp_btf, lsm, ...). */
        Boolean auto) {

    public enum Kind { KPROBE, KRETPROBE, TRACEPOINT, RAW_TRACEPOINT, AUTO }

    public Kind kind() {
        if (kprobe != null) return Kind.KPROBE;
        if (kretprobe != null) return Kind.KRETPROBE;
        if (tracepoint != null) return Kind.TRACEPOINT;
        if (rawTracepoint != null) return Kind.RAW_TRACEPOINT;
        return Kind.AUTO;
    }

    /** The target as written: "sys_execve", "syscalls/sys_enter_execve"; "SEC" for auto. */
    public String target() {
        return switch (kind()) {
            case KPROBE -> kprobe;
            case KRETPROBE -> kretprobe;
            case TRACEPOINT -> tracepoint;
            case RAW_TRACEPOINT -> rawTracepoint;
            case AUTO -> "SEC";
        };
    }

    /** "kprobe sys_execve (program kprobe_execve)". */
    public String describe() {
        return kind().name().toLowerCase() + " " + target() + " (program " + program + ")";
    }

    /** Problems with this alternative alone, each as "field: what is wrong". */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (program == null || program.isBlank()) problems.add("program: is required");
        int targets = (kprobe != null ? 1 : 0) + (kretprobe != null ? 1 : 0) + (tracepoint != null ? 1 : 0)
                + (rawTracepoint != null ? 1 : 0) + (Boolean.TRUE.equals(auto) ? 1 : 0);
        if (targets != 1) {
            problems.add("needs exactly one of kprobe, kretprobe, tracepoint, raw_tracepoint, auto: true (got " + targets + ")");
        }
        if (tracepoint != null && !tracepoint.matches("[\\w.-]+/[\\w.-]+")) {
            problems.add("tracepoint: must be category/event (got \"" + tracepoint + "\")");
        }
        return problems;
    }
}
