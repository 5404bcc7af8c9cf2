package dev.kprom.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import java.util.ArrayList;
import java.util.List;

/** A program of a {@link BpfObject} ({@code struct bpf_program}); a view, valid while its object is open. */
public final class BpfProgram {
    private final BpfObject object;
    private final Pointer prog;
    private final String name;

    BpfProgram(BpfObject object, Pointer prog) {
        this.object = object;
        this.prog = prog;
        this.name = Libbpf.bpf_program__name(prog);
    }

    public String name() {
        return name;
    }

    public String sectionName() {
        return Libbpf.bpf_program__section_name(prog);
    }

    /** Chooses whether {@link BpfObject#load()} loads this program; only before load. */
    public void setAutoload(boolean autoload) {
        BpfException.check(Libbpf.bpf_program__set_autoload(prog, autoload), what("set autoload of"));
    }

    /** The program's fd once loaded, else -1. */
    public int fd() {
        return Libbpf.bpf_program__fd(prog);
    }

    /** The kernel's program id (what {@code bpftool prog show} lists), once loaded. */
    public int id() {
        try (Memory info = new Memory(256);
                Memory len = new Memory(4)) {
            info.clear();
            len.setInt(0, (int) info.size());
            BpfException.check(Libbpf.bpf_obj_get_info_by_fd(fd(), info, len), what("get info of"));
            return info.getInt(4); // struct bpf_prog_info { __u32 type; __u32 id; ... }
        }
    }

    /**
     * Cumulative run time (ns) and run count of this program: {@code run_time_ns} and {@code run_cnt} of
     * {@code struct bpf_prog_info}, which the kernel counts only while {@code kernel.bpf_stats_enabled} is 1.
     */
    public long[] runStats() {
        try (Memory info = new Memory(256);
                Memory len = new Memory(4)) {
            info.clear();
            len.setInt(0, (int) info.size());
            BpfException.check(Libbpf.bpf_obj_get_info_by_fd(fd(), info, len), what("get info of"));
            return new long[] {info.getLong(192), info.getLong(200)};
        }
    }

    /** Before load: the kernel function an fentry/fexit program binds to ({@code bpf_program__set_attach_target}). */
    public void setAttachTarget(String function) {
        BpfException.check(
                Libbpf.bpf_program__set_attach_target(prog, 0, function),
                what("set attach target of") + " to " + function);
    }

    /** Attaches an fentry/fexit program to the function set before load; {@code description} names it in errors. */
    public BpfLink attachTrace(String description) {
        return link(Libbpf.bpf_program__attach_trace(prog), description);
    }

    public BpfLink attachKprobe(String function, boolean retprobe) {
        String kind = retprobe ? "kretprobe" : "kprobe";
        return link(Libbpf.bpf_program__attach_kprobe(prog, retprobe, function), kind + " " + function);
    }

    public BpfLink attachTracepoint(String category, String event) {
        return link(
                Libbpf.bpf_program__attach_tracepoint(prog, category, event), "tracepoint " + category + "/" + event);
    }

    public BpfLink attachRawTracepoint(String event) {
        return link(Libbpf.bpf_program__attach_raw_tracepoint(prog, event), "raw_tracepoint " + event);
    }

    /**
     * Attaches an uprobe (or uretprobe) to {@code symbol} in {@code binary} (null: by {@code offset} alone), plus
     * {@code offset} into it; {@code pid} -1 for every process running the binary.
     */
    public BpfLink attachUprobe(
            String binary, String symbol, long offset, int pid, boolean retprobe, String description) {
        Libbpf.bpf_uprobe_opts opts = new Libbpf.bpf_uprobe_opts();
        opts.retprobe = (byte) (retprobe ? 1 : 0);
        opts.func_name = symbol;
        return link(Libbpf.bpf_program__attach_uprobe_opts(prog, pid, binary, offset, opts), description);
    }

    /**
     * Attaches a {@code perf_event} program to each of {@code fds} (perf events, one per CPU); the links own the
     * descriptors from then on. If one fails, those attached are detached and the rest closed.
     */
    public BpfLink attachPerfEvents(List<Integer> fds, String description) {
        List<Pointer> links = new ArrayList<>();
        for (int i = 0; i < fds.size(); i++) {
            Pointer link = Libbpf.bpf_program__attach_perf_event(prog, fds.get(i));
            if (link == null) {
                int errno = Native.getLastError();
                links.forEach(Libbpf::bpf_link__destroy);
                for (int j = i; j < fds.size(); j++) LibC.close(fds.get(j));
                throw new BpfException("attach " + what("") + " to " + description, errno);
            }
            links.add(link);
        }
        return new BpfLink(links, description);
    }

    /**
     * Attaches a cgroup program (its SEC() says which hook: cgroup_skb/egress, ...) to the cgroup v2 directory
     * {@code path}, as a link: the kernel holds the cgroup while it is attached.
     */
    public BpfLink attachCgroup(String path) {
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) throw new BpfException("open cgroup " + path, Native.getLastError());
        try {
            return link(Libbpf.bpf_program__attach_cgroup(prog, fd), "cgroup " + path + " (" + sectionName() + ")");
        } finally {
            LibC.close(fd);
        }
    }

    /**
     * Attaches a TC program to interface {@code ifindex}'s ingress or egress, adding its clsact qdisc when it has
     * none (and leaving it: other filters may share it); closing detaches the filter.
     */
    public BpfLink attachTc(int ifindex, boolean egress, String description) {
        Memory hook = new Memory(24);
        hook.clear();
        hook.setLong(0, 24);
        hook.setInt(8, ifindex);
        hook.setInt(12, egress ? Libbpf.BPF_TC_EGRESS : Libbpf.BPF_TC_INGRESS);
        int rc = Libbpf.bpf_tc_hook_create(hook);
        if (rc < 0 && -rc != Errno.EEXIST) throw new BpfException("create clsact qdisc for " + description, -rc);
        Memory opts = new Memory(32);
        opts.clear();
        opts.setLong(0, 32);
        opts.setInt(8, fd());
        rc = Libbpf.bpf_tc_attach(hook, opts);
        if (rc < 0) throw new BpfException("attach " + what("") + " to " + description, -rc);
        int handle = opts.getInt(20);
        int priority = opts.getInt(24);
        return new BpfLink(
                () -> {
                    Memory detach = new Memory(32); // handle and priority name the filter; the rest must be 0
                    detach.clear();
                    detach.setLong(0, 32);
                    detach.setInt(20, handle);
                    detach.setInt(24, priority);
                    Libbpf.bpf_tc_detach(hook, detach);
                },
                description);
    }

    /** Attaches an XDP program to the interface {@code ifindex} (a link: detached when closed). */
    public BpfLink attachXdp(int ifindex, String description) {
        return link(Libbpf.bpf_program__attach_xdp(prog, ifindex), description);
    }

    /** Attaches an iterator program ({@code SEC("iter/task")}); reads then create instances from the link. */
    public BpfLink attachIter() {
        return link(Libbpf.bpf_program__attach_iter(prog, null), sectionName());
    }

    /** Attaches to USDT probe {@code provider:name} in {@code binary}; {@code pid} -1 for every process. */
    public BpfLink attachUsdt(String binary, String provider, String name, int pid, String description) {
        return link(Libbpf.bpf_program__attach_usdt(prog, pid, binary, provider, name, null), description);
    }

    /** Attaches as its section name says (fentry/fexit, tp_btf, lsm, and everything else libbpf knows). */
    public BpfLink attachAuto() {
        return link(Libbpf.bpf_program__attach(prog), "SEC(\"" + sectionName() + "\")");
    }

    private BpfLink link(Pointer link, String description) {
        if (link == null) {
            throw new BpfException("attach " + what("") + " to " + description, Native.getLastError());
        }
        return new BpfLink(link, description);
    }

    private String what(String verb) {
        return (verb.isEmpty() ? "" : verb + " ") + "program " + name + " of " + object.name();
    }

    @Override
    public String toString() {
        return name;
    }
}
