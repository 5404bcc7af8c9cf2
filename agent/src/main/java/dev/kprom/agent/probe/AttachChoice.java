package dev.kprom.agent.probe;

import dev.kprom.agent.config.AttachSpec;
import java.util.List;

/**
 * What kprom attached for one program slot, and why each earlier alternative was skipped:
 * {@code execve: tracepoint syscalls/sys_enter_execve (program tp_execve); skipped kprobe sys_execve (...): reason}.
 * An optional slot no alternative filled has no {@code chosen} (nor target).
 */
public record AttachChoice(String slot, AttachSpec chosen, String target, List<String> skipped) {
    public AttachChoice {
        skipped = List.copyOf(skipped);
    }

    /** Whether a program runs for this slot. */
    public boolean attached() {
        return chosen != null;
    }

    /** "kind target", or "none (optional)". */
    public String point() {
        return chosen == null ? "none (optional)" : chosen.kind().yamlName() + " " + target;
    }

    @Override
    public String toString() {
        return slot + ": " + point() + (chosen == null ? "" : " (program " + chosen.program() + ")")
                + (skipped.isEmpty() ? "" : "; skipped " + String.join("; skipped ", skipped));
    }
}
