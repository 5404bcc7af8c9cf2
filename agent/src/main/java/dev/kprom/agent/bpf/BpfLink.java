package dev.kprom.agent.bpf;

import com.sun.jna.Pointer;
import dev.kprom.agent.libbpf.Libbpf;

/** An attached program ({@code struct bpf_link}); closing it detaches the program. */
public final class BpfLink implements AutoCloseable {
    private final String description;
    private Pointer link;

    BpfLink(Pointer link, String description) {
        this.link = link;
        this.description = description;
    }

    /** What the program is attached to: "tracepoint syscalls/sys_enter_execve". */
    public String description() {
        return description;
    }

    @Override
    public synchronized void close() {
        if (link != null) {
            Libbpf.bpf_link__destroy(link);
            link = null;
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
