package dev.kprom.agent.config;

import dev.kprom.exporter.spec.MetricsSpec;
import java.util.List;

/**
 * {@code config/probes/<name>.yaml}: a BPF object, its programs with ordered attach alternatives, and the
 * metrics read from its maps. {@code object} is a {@code .bpf.o} bundled in the jar (a bare file name) or a
 * path on disk (relative to the YAML file).
 */
public record ProbeSetSpec(String object, List<ProgramSpec> programs, MetricsSpec metrics) {
    public ProbeSetSpec {
        programs = programs == null ? List.of() : List.copyOf(programs);
        metrics = metrics == null ? new MetricsSpec(List.of()) : metrics;
    }
}
