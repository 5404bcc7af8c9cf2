package dev.kprom.agent.probe;

import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.bpf.IteratorReader;
import dev.kprom.agent.bpf.MapOfMapsReader;
import dev.kprom.agent.bpf.MapType;
import dev.kprom.agent.btf.KeyValueRecord;
import dev.kprom.agent.config.ForeignMapSpec;
import dev.kprom.agent.config.InventorySpec;
import dev.kprom.agent.config.IteratorSpec;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.config.ProgramSpec;
import dev.kprom.agent.config.TailCallSpec;
import dev.kprom.agent.inventory.BpfInventory;
import dev.kprom.agent.inventory.InventorySource;
import dev.kprom.agent.inventory.Pins;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.events.EventStreamBinder;
import dev.kprom.exporter.kube.KubeMetadata;
import dev.kprom.exporter.layout.LayoutBinder;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.layout.MetricLayout;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.EventStreamSpec;
import dev.kprom.exporter.spec.MetricSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Fits a probe set's config to its opened (not yet loaded) object: programs named exist, constants fit their
 * variables, each metric fits its map (a {@link MapMetricCollector}) and each event stream its map and record
 * layout (an {@link EventSource}). Every mismatch of the probe set is reported together, at its YAML line.
 */
public final class ProbeSetBinder {
    /**
     * What a probe set reads once loaded: collectors over its maps and iterators, event sources to start draining,
     * and the iterators to attach.
     */
    public record Bound(
            List<MapMetricCollector> collectors,
            List<EventSource> eventSources,
            List<Iterator> iterators,
            BpfInventory inventory,
            List<BpfMap> foreignMaps) {}

    /** An iterator of the probe set: its spec and the reader its metrics read through once it is attached. */
    public record Iterator(IteratorSpec spec, IteratorReader reader) {}

    private final CollectObserver observer;
    private final Function<Set<String>, Map<String, Long>> kernelAddresses;
    private boolean openForeignMaps = true;

    /**
     * {@code observer}: where this probe set's collectors and streams report reads, drops and timeouts;
     * {@code kernelAddresses}: the addresses of kernel symbols (for {@code kaddrs}), those it finds.
     */
    public ProbeSetBinder(CollectObserver observer, Function<Set<String>, Map<String, Long>> kernelAddresses) {
        this.observer = observer;
        this.kernelAddresses = kernelAddresses;
    }

    /**
     * Checks a probe set against its object without loading anything into the kernel (no root needed). Throws
     * {@link dev.kprom.agent.config.ConfigException} with every mismatch, or {@link ProbeSetException} when the
     * object cannot be read or opened.
     */
    public static void check(ProbeSetConfig config) {
        // no load, no addresses: a placeholder checks that each kaddr_ variable is there; foreign maps stay closed
        // (their
        // metrics are fitted to them at load)
        ProbeSetBinder checker = new ProbeSetBinder(CollectObserver.IGNORE, symbols -> {
            Map<String, Long> zeros = new HashMap<>();
            symbols.forEach(name -> zeros.put(name, 0L));
            return zeros;
        });
        checker.openForeignMaps = false;
        if (config.spec().objectless()) {
            checker.bind(config, null);
            return;
        }
        try (BpfObject object = BpfObject.openMemory(ProbeObjects.fileName(config), ProbeObjects.bytes(config))) {
            checker.bind(config, object);
        } catch (IllegalArgumentException e) {
            throw new ProbeSetException(ProbeObjects.describe(config) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets the object's constants, opens the foreign maps and binds every metric and stream; the object must be open,
     * not loaded (null for a probe set of foreign maps alone). On failure the foreign maps opened are closed again.
     */
    public Bound bind(ProbeSetConfig config, BpfObject object) {
        List<BpfMap> foreign = new ArrayList<>();
        try {
            return bind(config, object, foreign);
        } catch (RuntimeException e) {
            foreign.forEach(BpfMap::close);
            throw e;
        }
    }

    private Bound bind(ProbeSetConfig config, BpfObject object, List<BpfMap> foreign) {
        List<LayoutError> errors = new ArrayList<>();
        Map<String, BpfMap> maps = new HashMap<>();
        if (object != null) {
            checkPrograms(config, object, errors);
            checkTailCalls(config, object, errors);
            object.setConstants(config.spec().constants())
                    .forEach((k, why) -> errors.add(new LayoutError("constants." + k, why)));
            setKernelAddresses(config, object, errors);
            maps = namedMaps(object);
        }
        Map<String, Iterator> iterators = iterators(config, object, maps, errors);
        Map<String, MapSource> sources = new TreeMap<>();
        iterators.forEach((name, it) -> sources.put(name, it.reader()));
        BpfInventory inventory = null;
        InventorySpec inventorySpec = config.spec().inventory();
        if (inventorySpec != null) {
            inventory = new BpfInventory(
                    inventorySpec.refreshNanos(), inventorySpec.entriesBudgetOrDefault(), 64L << 20, Pins.system());
            sources.putAll(InventorySource.all(inventory));
        }
        Set<String> unopened = new TreeSet<>();
        List<ForeignMapSpec> foreignSpecs = config.spec().foreignMaps();
        for (int i = 0; i < foreignSpecs.size(); i++) {
            ForeignMapSpec f = foreignSpecs.get(i);
            if (maps.containsKey(f.name()) || sources.containsKey(f.name())) {
                errors.add(new LayoutError(
                        "foreign_maps[" + i + "].name",
                        "the probe set has a map or source named " + f.name() + " too"));
            } else if (!openForeignMaps) {
                unopened.add(f.name());
            } else {
                BpfMap map = ForeignMaps.open(f, config.name());
                foreign.add(map);
                sources.put(f.name(), map.reader());
            }
        }
        List<MapMetricCollector> collectors = collectors(config, object, maps, sources, unopened, errors);
        List<EventSource> eventSources = eventSources(config, object, maps, errors);
        if (!errors.isEmpty()) {
            throw config.errorsAt(errors.stream()
                    .map(e -> new String[] {e.path(), e.message()})
                    .toList());
        }
        return new Bound(collectors, eventSources, List.copyOf(iterators.values()), inventory, List.copyOf(foreign));
    }

    /** Each {@code kaddrs} symbol's address into the object's {@code kaddr_<symbol>}. */
    private void setKernelAddresses(ProbeSetConfig config, BpfObject object, List<LayoutError> errors) {
        List<String> symbols = config.spec().kaddrs();
        if (symbols.isEmpty()) return;
        Map<String, Long> found = kernelAddresses.apply(new TreeSet<>(symbols));
        Map<String, Object> constants = new HashMap<>();
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            Long address = found.get(symbol);
            if (address == null) {
                errors.add(new LayoutError(
                        "kaddrs[" + i + "]", "the kernel has no symbol " + symbol + " (/proc/kallsyms)"));
            } else {
                constants.put("kaddr_" + symbol, address);
            }
        }
        object.setConstants(constants)
                .forEach((k, why) -> errors.add(new LayoutError(
                        "kaddrs[" + symbols.indexOf(k.substring("kaddr_".length())) + "]", k + ": " + why)));
    }

    /** Each tail-call map is a PROG_ARRAY of the object, its indexes fit, and the programs it names exist. */
    private static void checkTailCalls(ProbeSetConfig config, BpfObject object, List<LayoutError> errors) {
        List<TailCallSpec> tailCalls = config.spec().tailCalls();
        for (int i = 0; i < tailCalls.size(); i++) {
            TailCallSpec t = tailCalls.get(i);
            String at = "tail_calls[" + i + "]";
            BpfMap map;
            try {
                map = object.map(t.map());
            } catch (IllegalArgumentException e) {
                errors.add(new LayoutError(at + ".map", e.getMessage()));
                continue;
            }
            if (map.type() != MapType.PROG_ARRAY) {
                errors.add(
                        new LayoutError(at + ".map", "map " + t.map() + " is a " + map.type() + ", not a PROG_ARRAY"));
                continue;
            }
            for (Map.Entry<Integer, String> e : new TreeMap<>(t.entries()).entrySet()) {
                if (e.getKey() >= map.maxEntries()) {
                    errors.add(new LayoutError(
                            at + ".entries",
                            "index " + e.getKey() + " is past " + t.map() + "'s " + map.maxEntries() + " entries"));
                }
                try {
                    object.program(e.getValue());
                } catch (IllegalArgumentException missing) {
                    errors.add(new LayoutError(at + ".entries", missing.getMessage()));
                }
            }
        }
    }

    /** Each iterator's program is an iter/ program of the object and its record a {key; value;} struct of its BTF. */
    private static Map<String, Iterator> iterators(
            ProbeSetConfig config, BpfObject object, Map<String, BpfMap> maps, List<LayoutError> errors) {
        Map<String, Iterator> iterators = new LinkedHashMap<>();
        List<IteratorSpec> specs = config.spec().iterators();
        for (int i = 0; i < specs.size(); i++) {
            IteratorSpec spec = specs.get(i);
            String at = "iterators[" + i + "]";
            if (maps.containsKey(spec.name())) {
                errors.add(new LayoutError(
                        at + ".name", object.name() + " has a map named " + spec.name() + " too: name it apart"));
            }
            try {
                String section = object.program(spec.program()).sectionName();
                if (!section.startsWith("iter/") && !section.startsWith("iter.s/")) {
                    errors.add(new LayoutError(
                            at + ".program",
                            "program " + spec.program() + " is SEC(\"" + section
                                    + "\"), not an iterator (SEC(\"iter/...\"))"));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new LayoutError(at + ".program", e.getMessage()));
            }
            try {
                Optional<KeyValueRecord> record = object.keyValueRecord(spec.record());
                if (record.isEmpty()) {
                    errors.add(new LayoutError(
                            at + ".record", object.name() + " has no struct " + spec.record() + " in its BTF"));
                } else {
                    iterators.put(
                            spec.name(),
                            new Iterator(
                                    spec, new IteratorReader(spec.name(), record.get(), spec.maxBytesOrDefault())));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new LayoutError(at + ".record", e.getMessage()));
            }
        }
        return iterators;
    }

    private static void checkPrograms(ProbeSetConfig config, BpfObject object, List<LayoutError> errors) {
        List<ProgramSpec> slots = config.spec().programs();
        for (int i = 0; i < slots.size(); i++) {
            for (int j = 0; j < slots.get(i).attach().size(); j++) {
                try {
                    object.program(slots.get(i).attach().get(j).program());
                } catch (IllegalArgumentException e) {
                    errors.add(new LayoutError("programs[" + i + "].attach[" + j + "].program", e.getMessage()));
                }
            }
        }
    }

    /** A collector per metric, fitted to its map (sizes, BTF fields); readers only read once the maps exist. */
    private List<MapMetricCollector> collectors(
            ProbeSetConfig config,
            BpfObject object,
            Map<String, BpfMap> maps,
            Map<String, MapSource> sources,
            Set<String> unopened,
            List<LayoutError> errors) {
        List<MapMetricCollector> collectors = new ArrayList<>();
        config.spec().metrics().byKind().forEach((kind, specs) -> {
            for (int i = 0; i < specs.size(); i++) {
                MetricSpec spec =
                        KubeMetadata.active() ? specs.get(i) : specs.get(i).withoutKubernetesLabels();
                String at = "metrics." + kind.yamlList() + "[" + i + "]";
                if (unopened.contains(spec.mapName())) continue; // a foreign map: fitted when it is opened, at load
                MapSource source = sources.get(spec.mapName());
                if (source != null) {
                    MetricLayout layout = LayoutBinder.bind(spec, at, source, errors);
                    if (layout != null) collectors.add(new MapMetricCollector(kind, spec, layout, source, observer));
                    continue;
                }
                BpfMap map = maps.get(spec.mapName());
                if (map == null) {
                    errors.add(new LayoutError(
                            at + (spec.map() != null ? ".map" : ".name"),
                            noSuchMap(object, spec.mapName(), maps)
                                    + (sources.isEmpty()
                                            ? ""
                                            : "; nor a source of that name (iterators and inventory tables: "
                                                    + String.join(", ", sources.keySet()) + ")")));
                    continue;
                }
                MapSource reader = map.type().mapOfMaps()
                        ? new MapOfMapsReader(
                                map,
                                map.innerTemplate()
                                        .orElseThrow(() -> new IllegalArgumentException("map " + map.name()
                                                + " is a map of maps without an inner map definition")))
                        : map.reader();
                MetricLayout layout = LayoutBinder.bind(
                        spec,
                        at,
                        reader,
                        name -> maps.containsKey(name) ? maps.get(name).reader() : null,
                        errors);
                if (layout != null) collectors.add(new MapMetricCollector(kind, spec, layout, reader, observer));
            }
        });
        return collectors;
    }

    /** Each event stream bound to its PERF_EVENT_ARRAY or RINGBUF map and its record layout (explicit or BTF). */
    private List<EventSource> eventSources(
            ProbeSetConfig config, BpfObject object, Map<String, BpfMap> maps, List<LayoutError> errors) {
        List<EventSource> sources = new ArrayList<>();
        List<EventStreamSpec> streams = config.spec().events();
        for (int i = 0; i < streams.size(); i++) {
            EventStreamSpec spec =
                    KubeMetadata.active() ? streams.get(i) : streams.get(i).withoutKubernetesLabels();
            String at = "events[" + i + "]";
            BpfMap map = maps.get(spec.map());
            if (map == null) {
                errors.add(new LayoutError(at + ".map", noSuchMap(object, spec.map(), maps)));
                continue;
            }
            if (map.type() != MapType.PERF_EVENT_ARRAY && map.type() != MapType.RINGBUF) {
                errors.add(new LayoutError(
                        at + ".map",
                        "map " + map.name() + " is a " + map.type()
                                + ": event streams come from a PERF_EVENT_ARRAY or a RINGBUF"));
                continue;
            }
            int rings = map.type() == MapType.PERF_EVENT_ARRAY ? BpfMap.possibleCpus() : 1;
            Optional<List<Field>> record =
                    spec.record() == null ? Optional.empty() : object.structFields(spec.record());
            EventStream stream = EventStreamBinder.bind(spec, at, record, rings, observer, errors);
            if (stream != null) sources.add(new EventSource(spec, map, stream));
        }
        return sources;
    }

    private static String noSuchMap(BpfObject object, String name, Map<String, BpfMap> maps) {
        if (object == null) return "the probe set has no object, and no foreign map \"" + name + "\"";
        return object.name() + " has no map \"" + name + "\" (it has: "
                + String.join(", ", new TreeSet<>(maps.keySet())) + ")";
    }

    /** The object's own maps by name, without libbpf's internal ones (.rodata, .bss). */
    private static Map<String, BpfMap> namedMaps(BpfObject object) {
        Map<String, BpfMap> maps = new HashMap<>();
        for (BpfMap m : object.maps()) if (!m.name().contains(".")) maps.put(m.name(), m);
        return maps;
    }
}
