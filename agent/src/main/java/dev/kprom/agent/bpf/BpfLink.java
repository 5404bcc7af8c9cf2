package dev.kprom.agent.bpf;

import com.sun.jna.Pointer;
import dev.kprom.agent.libbpf.Libbpf;
import java.util.List;

/**
 * An attached program ({@code struct bpf_link}, or one per CPU for a perf event); closing it detaches the program.
 */
public final class BpfLink implements AutoCloseable {
    private final String description;
    private List<Pointer> links;
    private Runnable detach; // for attachments that are no bpf_link (TC through netlink)

    BpfLink(Pointer link, String description) {
        this(List.of(link), description);
    }

    BpfLink(List<Pointer> links, String description) {
        this.links = List.copyOf(links);
        this.description = description;
    }

    /** An attachment that {@code detach} undoes. */
    BpfLink(Runnable detach, String description) {
        this.links = List.of();
        this.detach = detach;
        this.description = description;
    }

    /** The link's fd (of its first link for a perf event); only while attached. */
    public synchronized int fd() {
        if (links == null || links.isEmpty()) throw new IllegalStateException(description + ": no link fd");
        return Libbpf.bpf_link__fd(links.get(0));
    }

    /** A link-like hold that {@code undo} ends: a map opened for the probe set, closed with its links. */
    public static BpfLink closing(Runnable undo, String description) {
        return new BpfLink(undo, description);
    }

    /** What the program is attached to: "tracepoint syscalls/sys_enter_execve". */
    public String description() {
        return description;
    }

    @Override
    public synchronized void close() {
        if (links != null) {
            links.forEach(Libbpf::bpf_link__destroy);
            links = null;
        }
        if (detach != null) {
            detach.run();
            detach = null;
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
