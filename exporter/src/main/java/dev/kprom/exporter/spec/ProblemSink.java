package dev.kprom.exporter.spec;

/** Where spec checks report: each problem at its YAML path ({@code metrics.counters[0].labels[1].size}). */
@FunctionalInterface
public interface ProblemSink {
    void add(String path, String message);
}
