package dev.kprom.agent.config;

import java.util.List;

/** A program slot of a probe set, filled by the first attach alternative this kernel supports. */
public record ProgramSpec(String name, List<AttachSpec> attach) {
    public ProgramSpec {
        attach = attach == null ? List.of() : List.copyOf(attach);
    }
}
