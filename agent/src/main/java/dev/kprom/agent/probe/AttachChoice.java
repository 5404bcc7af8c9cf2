package dev.kprom.agent.probe;

import dev.kprom.agent.config.AttachSpec;
import java.util.List;

/**
 * What kprom attached for one program slot, and why each earlier alternative was skipped:
 * {@code execve: tracepoint syscalls/sys_enter_execve (program tp_execve); skipped kprobe sys_execve (...): reason}.
 */
public record AttachChoice(String slot, AttachSpec chosen, String target, List<String> skipped) {
    public AttachChoice {
        skipped = List.copyOf(skipped);
    }

    @Override
    public String toString() {
        return slot + ": " + chosen.kind().yamlName() + " " + target + " (program " + chosen.program() + ")"
                + (skipped.isEmpty() ? "" : "; skipped " + String.join("; skipped ", skipped));
    }
}
