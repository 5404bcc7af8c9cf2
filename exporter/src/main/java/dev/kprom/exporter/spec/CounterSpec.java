package dev.kprom.exporter.spec;

import java.util.List;

/**
 * A counter read from a map whose value is a u64 (summed over CPUs for per-CPU maps). The metric and the map
 * share one name: {@code name: execve_total} reads map {@code execve_total} and serves {@code kprom_execve_total}.
 */
public record CounterSpec(String name, String help, List<LabelSpec> labels) {
    public CounterSpec {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** Bytes of key the labels describe. */
    public int keySize() {
        return labels.stream().mapToInt(LabelSpec::span).sum();
    }
}
