package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kprom.exporter.spec.EventStreamSpec;
import dev.kprom.exporter.spec.MetricsSpec;
import java.util.List;
import java.util.Map;

/**
 * {@code config/probes/<name>.yaml}: a BPF object, load-time constants, its programs with ordered attach
 * alternatives, and the metrics read from its maps. {@code object} is a {@code .bpf.o} bundled in the jar (a bare
 * file name) or a path on disk (relative to the YAML file). {@code constants} set the object's
 * {@code const volatile} globals (in .rodata) before it loads: integers, booleans, or strings for char arrays;
 * {@code kaddrs} names kernel symbols whose addresses (from /proc/kallsyms, at each load) go into the object's
 * {@code const volatile u64 kaddr_<symbol>}, as ebpf_exporter's {@code kaddrs} do.
 * {@code tail_calls} fill program arrays before attaching ({@link TailCallSpec}). {@code iterators} are BPF
 * iterators that metrics read like maps ({@link IteratorSpec}). {@code events} are streams of records from perf or
 * ring buffer maps, turned into metrics as they arrive. {@code inventory} makes the node's BPF objects a source
 * ({@link InventorySpec}); such a probe set names no object. {@code foreign_maps} are maps other programs made, read
 * as the probe set's own ({@link ForeignMapSpec}); a probe set of foreign maps alone needs no object.
 * {@code required}: a probe set that cannot come up at start stops kprom (exit 1, nothing left attached), as
 * does one with a required program slot; any other is reported down and retried, and the rest keep serving.
 */
public record ProbeSetSpec(
        String object,
        Map<String, Object> constants,
        List<String> kaddrs,
        List<ProgramSpec> programs,
        List<TailCallSpec> tailCalls,
        List<IteratorSpec> iterators,
        InventorySpec inventory,
        @JsonProperty("foreign_maps") List<ForeignMapSpec> foreignMaps,
        MetricsSpec metrics,
        List<EventStreamSpec> events,
        Boolean required) {
    public ProbeSetSpec {
        constants = constants == null ? Map.of() : Map.copyOf(constants);
        kaddrs = kaddrs == null ? List.of() : List.copyOf(kaddrs);
        programs = programs == null ? List.of() : List.copyOf(programs);
        tailCalls = tailCalls == null ? List.of() : List.copyOf(tailCalls);
        iterators = iterators == null ? List.of() : List.copyOf(iterators);
        foreignMaps = foreignMaps == null ? List.of() : List.copyOf(foreignMaps);
        metrics = metrics == null ? MetricsSpec.none() : metrics;
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** Loads no object: an inventory, or foreign maps alone. */
    public boolean objectless() {
        return inventory == null && object == null && !foreignMaps.isEmpty();
    }

    /** Required itself, or through one of its program slots. */
    public boolean isRequired() {
        return Boolean.TRUE.equals(required)
                || programs.stream().anyMatch(p -> p != null && Boolean.TRUE.equals(p.required()));
    }
}
