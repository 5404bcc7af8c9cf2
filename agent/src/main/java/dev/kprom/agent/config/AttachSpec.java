package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * One way to attach a program: exactly one of the target fields is set.
 * <pre>
 * - program: fentry_execve
 *   fentry: sys_execve                    # cheapest per event; resolved via /proc/kallsyms, needs kernel BTF
 * - program: kprobe_execve
 *   kprobe: sys_execve                    # resolved via /proc/kallsyms
 * - program: tp_execve
 *   tracepoint: syscalls/sys_enter_execve
 * - program: uprobe_readline
 *   uprobe: {binary: /usr/bin/bash, symbol: readline}     # or uretprobe; see {@link UprobeSpec}
 * - program: usdt_tick
 *   usdt: {binary: /usr/bin/app, provider: app, name: tick}   # see {@link UsdtSpec}
 * - program: on_cpu
 *   perf_event: {event: cpu_clock, frequency: 99}             # every online CPU; see {@link PerfEventSpec}
 * - program: xdp_count
 *   xdp: eth0                                                 # packets received on eth0
 * - program: count_egress                                     # SEC("cgroup_skb/egress")
 *   cgroup: /sys/fs/cgroup/kubepods.slice                     # a cgroup v2 directory
 * - program: tc_count
 *   tc: {interface: eth0, direction: egress}                  # see {@link TcSpec}
 * </pre>
 */
public record AttachSpec(
        String program,
        String fentry,
        String fexit,
        String kprobe,
        String kretprobe,
        String tracepoint,
        @JsonProperty("raw_tracepoint") String rawTracepoint,
        UprobeSpec uprobe,
        UprobeSpec uretprobe,
        UsdtSpec usdt,
        @JsonProperty("perf_event") PerfEventSpec perfEvent,
        /** A network interface whose received packets an XDP program sees: "eth0". */
        String xdp,
        /** A cgroup v2 directory for cgroup programs (cgroup_skb/ingress, cgroup_skb/egress, cgroup/sock...). */
        String cgroup,
        TcSpec tc,
        /** Attach as the program's SEC() says (fentry, tp_btf, lsm, ...). */
        Boolean auto) {

    public enum Kind {
        FENTRY,
        FEXIT,
        KPROBE,
        KRETPROBE,
        TRACEPOINT,
        RAW_TRACEPOINT,
        UPROBE,
        URETPROBE,
        USDT,
        PERF_EVENT,
        XDP,
        CGROUP,
        TC,
        AUTO;

        /** As written in YAML and in disable_attach: "fentry", "raw_tracepoint". */
        public String yamlName() {
            return name().toLowerCase();
        }
    }

    public Kind kind() {
        if (fentry != null) return Kind.FENTRY;
        if (fexit != null) return Kind.FEXIT;
        if (kprobe != null) return Kind.KPROBE;
        if (kretprobe != null) return Kind.KRETPROBE;
        if (tracepoint != null) return Kind.TRACEPOINT;
        if (rawTracepoint != null) return Kind.RAW_TRACEPOINT;
        if (uprobe != null) return Kind.UPROBE;
        if (uretprobe != null) return Kind.URETPROBE;
        if (usdt != null) return Kind.USDT;
        if (perfEvent != null) return Kind.PERF_EVENT;
        if (xdp != null) return Kind.XDP;
        if (cgroup != null) return Kind.CGROUP;
        if (tc != null) return Kind.TC;
        return Kind.AUTO;
    }

    /** The user-space target of an uprobe or uretprobe; null for other kinds. */
    public UprobeSpec userTarget() {
        return uprobe != null ? uprobe : uretprobe;
    }

    /** The target as written: "sys_execve", "syscalls/sys_enter_execve"; "SEC" for auto. */
    public String target() {
        return switch (kind()) {
            case FENTRY -> fentry;
            case FEXIT -> fexit;
            case KPROBE -> kprobe;
            case KRETPROBE -> kretprobe;
            case TRACEPOINT -> tracepoint;
            case RAW_TRACEPOINT -> rawTracepoint;
            case UPROBE -> uprobe.describe();
            case URETPROBE -> uretprobe.describe();
            case USDT -> usdt.describe();
            case PERF_EVENT -> perfEvent.describe();
            case XDP -> xdp;
            case CGROUP -> cgroup;
            case TC -> tc.describe();
            case AUTO -> "SEC";
        };
    }

    /** "kprobe sys_execve (program kprobe_execve)". */
    public String describe() {
        return kind().yamlName() + " " + target() + " (program " + program + ")";
    }

    /** Problems with this alternative alone, each as "field: what is wrong". */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (program == null || program.isBlank()) problems.add("program: is required");
        int targets = (fentry != null ? 1 : 0)
                + (fexit != null ? 1 : 0)
                + (kprobe != null ? 1 : 0)
                + (kretprobe != null ? 1 : 0)
                + (tracepoint != null ? 1 : 0)
                + (rawTracepoint != null ? 1 : 0)
                + (uprobe != null ? 1 : 0)
                + (uretprobe != null ? 1 : 0)
                + (usdt != null ? 1 : 0)
                + (perfEvent != null ? 1 : 0)
                + (xdp != null ? 1 : 0)
                + (cgroup != null ? 1 : 0)
                + (tc != null ? 1 : 0)
                + (Boolean.TRUE.equals(auto) ? 1 : 0);
        if (targets != 1) {
            problems.add("needs exactly one of fentry, fexit, kprobe, kretprobe, tracepoint, raw_tracepoint, uprobe,"
                    + " uretprobe, usdt, perf_event, xdp, cgroup, tc, auto: true (got " + targets + ")");
        }
        if (uprobe != null) problems.addAll(uprobe.problems("uprobe"));
        if (uretprobe != null) problems.addAll(uretprobe.problems("uretprobe"));
        if (usdt != null) problems.addAll(usdt.problems());
        if (perfEvent != null) problems.addAll(perfEvent.problems());
        if (tc != null) problems.addAll(tc.problems());
        if (cgroup != null && !cgroup.startsWith("/"))
            problems.add("cgroup: must be an absolute path to a cgroup v2 directory (got \"" + cgroup + "\")");
        if (tracepoint != null && !tracepoint.matches("[\\w.-]+/[\\w.-]+")) {
            problems.add("tracepoint: must be category/event (got \"" + tracepoint + "\")");
        }
        return problems;
    }
}
