package dev.kprom.exporter.status;

import java.util.List;

/** One program slot: the alternative attached ("tracepoint syscalls/sys_enter_execve") and why others were skipped. */
public record ProgramStatus(String slot, String program, String attach, List<String> skipped) {
    public ProgramStatus {
        skipped = List.copyOf(skipped);
    }
}
