package dev.kprom.agent.config;

import java.util.List;

/**
 * A program slot of a probe set, filled by the first attach alternative this kernel supports. {@code required}: a
 * slot that cannot be filled at start stops kprom (its probe set counts as required). {@code optional}: a slot no
 * alternative fills is left empty (why, in {@code /probes} and the log) and the probe set runs without it: what
 * only that program counts is not served on this kernel.
 */
public record ProgramSpec(String name, List<AttachSpec> attach, Boolean required, Boolean optional) {
    public ProgramSpec {
        attach = attach == null ? List.of() : List.copyOf(attach);
    }

    public ProgramSpec(String name, List<AttachSpec> attach, Boolean required) {
        this(name, attach, required, null);
    }

    public boolean isOptional() {
        return Boolean.TRUE.equals(optional);
    }
}
