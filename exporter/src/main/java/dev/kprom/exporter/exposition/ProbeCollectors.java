package dev.kprom.exporter.exposition;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The collectors of every running probe set, registered once as one collector. A probe set's collectors are put,
 * replaced or removed as a whole and at once, so each scrape sees a probe set's metrics exactly once: from the
 * old version or the new one during a reload, never both, never neither. The text formats take them as tables.
 */
public final class ProbeCollectors implements MultiCollector {
    private volatile Map<String, List<TableCollector>> byProbe = Map.of();

    /**
     * Puts (or replaces) a probe set's collectors. Throws IllegalArgumentException, changing nothing, when one of
     * their metric names is another probe set's.
     */
    public synchronized void put(String probe, List<? extends TableCollector> collectors) {
        Map<String, String> owners = new LinkedHashMap<>();
        byProbe.forEach((p, cs) -> {
            if (!p.equals(probe)) cs.forEach(c -> c.getPrometheusNames().forEach(n -> owners.put(n, p)));
        });
        for (TableCollector c : collectors) {
            for (String name : c.getPrometheusNames()) {
                String owner = owners.get(name);
                if (owner != null) {
                    throw new IllegalArgumentException(
                            "metric " + name + " of probe set " + probe + " is also probe set " + owner + "'s");
                }
            }
        }
        Map<String, List<TableCollector>> next = new LinkedHashMap<>(byProbe);
        next.put(probe, List.copyOf(collectors));
        byProbe = Collections.unmodifiableMap(next);
    }

    public synchronized void remove(String probe) {
        Map<String, List<TableCollector>> next = new LinkedHashMap<>(byProbe);
        if (next.remove(probe) != null) byProbe = Collections.unmodifiableMap(next);
    }

    /** Every probe set's collectors now, in the order the probe sets came. */
    public List<TableCollector> tables() {
        List<TableCollector> all = new ArrayList<>();
        byProbe.values().forEach(all::addAll);
        return all;
    }

    @Override
    public MetricSnapshots collect() {
        return collect(name -> true);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames) {
        MetricSnapshots.Builder result = MetricSnapshots.builder();
        for (TableCollector c : tables()) {
            if (c.getPrometheusNames().stream().noneMatch(includedNames)) continue;
            for (MetricSnapshot s : c.collect()) result.metricSnapshot(s);
        }
        return result.build();
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>();
        for (TableCollector c : tables()) names.addAll(c.getPrometheusNames());
        return names;
    }
}
