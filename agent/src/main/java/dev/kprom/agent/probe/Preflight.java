package dev.kprom.agent.probe;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.KprobeSupport;
import dev.kprom.agent.attach.PerfEvents;
import dev.kprom.agent.config.AttachSpec;
import dev.kprom.agent.config.PerfEventSpec;
import dev.kprom.agent.events.OnlineCpus;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

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

    static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
    private final Path tracefs;
    private final Kallsyms kallsyms;
    private final Set<AttachSpec.Kind> disabled;

    Preflight(Path tracefs, Kallsyms kallsyms, Set<AttachSpec.Kind> disabled) {
        this.tracefs = tracefs;
        this.kallsyms = kallsyms;
        this.disabled = disabled;
    }

    Result check(AttachSpec alt) {
        if (disabled.contains(alt.kind()))
            return Result.skip(alt.kind().yamlName() + " is disabled by disable_attach in the daemon config");
        return switch (alt.kind()) {
            case FENTRY, FEXIT -> fentry(alt.target());
            case KPROBE, KRETPROBE -> kprobe(alt.target());
            case TRACEPOINT -> tracepoint(alt.target());
            case UPROBE, URETPROBE -> binary(
                    alt.userTarget().binary(), alt.userTarget().pid());
            case USDT -> binary(alt.usdt().binary(), alt.usdt().pid());
            case PERF_EVENT -> perfEvent(alt.perfEvent());
            case XDP -> networkInterface(alt.xdp());
            case CGROUP -> cgroupV2(alt.cgroup());
            case TC -> {
                Result nic = networkInterface(alt.tc().iface());
                yield nic.skipReason() == null ? Result.ok(alt.tc().describe()) : nic;
            }
            case RAW_TRACEPOINT, AUTO -> Result.ok(alt.target());
        };
    }

    /** Opens the event on the first online CPU and closes it: no counters (a VM) or no permission shows here. */
    private Result perfEvent(PerfEventSpec spec) {
        try {
            LibC.close(PerfEvents.open(spec, OnlineCpus.read().nextSetBit(0)));
            return Result.ok(spec.describe());
        } catch (BpfException e) {
            String why = e.errno() == Errno.ENOENT || e.errno() == Errno.EOPNOTSUPP
                    ? spec.type() == PerfEventSpec.PERF_TYPE_HARDWARE
                            ? "this machine has no hardware performance counter for " + spec.event()
                                    + " (most VMs have none): "
                            : "this kernel has no " + spec.event() + " event: "
                    : "";
            return Result.skip(why + e.getMessage());
        }
    }

    /** A cgroup v2 directory: it has cgroup.procs and cgroup.controllers (v1 directories lack the second). */
    private static Result cgroupV2(String path) {
        Path dir = Path.of(path);
        if (!Files.isDirectory(dir)) return Result.skip("cgroup " + path + " does not exist");
        if (!Files.exists(dir.resolve("cgroup.controllers")))
            return Result.skip(path + " is not a cgroup v2 directory (no cgroup.controllers; cgroup programs need v2)");
        return Result.ok(path);
    }

    /** The interface must exist in kprom's network namespace. */
    private static Result networkInterface(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            return nic != null
                    ? Result.ok(name)
                    : Result.skip("no network interface " + name + " in kprom's network namespace");
        } catch (SocketException e) {
            return Result.skip("cannot list network interfaces: " + e.getMessage());
        }
    }

    static final Path UPROBE_PMU = Path.of("/sys/bus/event_source/devices/uprobe");

    /**
     * Uprobes and USDT probes: the kernel must have uprobes, and the binary must exist, on the host or in the given
     * process's root (a process in a container).
     */
    private Result binary(String path, Integer pid) {
        if (!Files.exists(UPROBE_PMU) && !Files.exists(tracefs.resolve("uprobe_events"))) {
            return Result.skip("this kernel has no uprobe support (neither " + UPROBE_PMU + " nor "
                    + tracefs.resolve("uprobe_events") + " exists; CONFIG_UPROBE_EVENTS is off)");
        }
        Path binary = Path.of(path);
        if (Files.isRegularFile(binary)) return Result.ok(binary.toString());
        if (pid != null) {
            Path inProcess = Path.of("/proc", Integer.toString(pid), "root").resolve(path.substring(1));
            if (Files.isRegularFile(inProcess)) return Result.ok(inProcess.toString());
            return Result.skip("binary " + path + " does not exist, on the host or as " + inProcess);
        }
        return Result.skip("binary " + path + " does not exist");
    }

    /** fentry and fexit attach by BTF function: the kernel must have BTF and the function must exist now. */
    private Result fentry(String function) {
        if (!Files.exists(VMLINUX_BTF))
            return Result.skip("this kernel has no BTF (" + VMLINUX_BTF + "), which fentry and fexit need");
        return resolve(function);
    }

    private Result kprobe(String function) {
        Optional<String> missing = KprobeSupport.missing(tracefs);
        if (missing.isPresent()) return Result.skip(missing.get());
        return resolve(function);
    }

    private Result resolve(String function) {
        return kallsyms.resolve(function)
                .map(Result::ok)
                .orElseGet(() -> Result.skip("no kernel function matches \"" + function + "\" in /proc/kallsyms (tried "
                        + String.join(", ", kallsyms.candidates(function)) + ")"));
    }

    private Result tracepoint(String tracepoint) {
        Path dir = tracefs.resolve("events").resolve(tracepoint);
        return Files.isDirectory(dir)
                ? Result.ok(tracepoint)
                : Result.skip("tracepoint " + tracepoint + " does not exist on this kernel (no " + dir + ")");
    }
}
