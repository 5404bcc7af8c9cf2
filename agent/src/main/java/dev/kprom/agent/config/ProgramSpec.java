package dev.kprom.agent.config;

import java.util.List;

/**
 * A program slot of a probe set, filled by the first attach alternative this kernel supports. {@code required}: a
 * slot that cannot be filled at start stops kprom (its probe set counts as required).
 */
public record ProgramSpec(String name, List<AttachSpec> attach, Boolean required) {
    public ProgramSpec {
        attach = attach == null ? List.of() : List.copyOf(attach);
    }
}
