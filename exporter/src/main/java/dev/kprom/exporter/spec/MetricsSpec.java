package dev.kprom.exporter.spec;

import java.util.List;

/** The metrics a probe set exports. */
public record MetricsSpec(List<CounterSpec> counters) {
    public MetricsSpec {
        counters = counters == null ? List.of() : List.copyOf(counters);
    }
}
