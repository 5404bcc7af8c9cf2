package dev.kprom.agent.lifecycle;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.Bpffs;
import dev.kprom.agent.config.AttachSpec;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.events.EventReader;
import dev.kprom.agent.probe.MapCarryOver;
import dev.kprom.agent.probe.ProbeObjects;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetException;
import dev.kprom.agent.probe.ProbeSetLoader;
import dev.kprom.agent.probe.UpdateErrors;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.exposition.ProbeCollectors;
import dev.kprom.exporter.self.ProbeMeters;
import dev.kprom.exporter.self.SelfMetrics;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.exporter.status.StatusSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured probe sets, each on its own: one that cannot come up is reported (down in {@code /probes},
 * {@code kprom_probe_up} 0, {@code kprom_probe_failures_total{reason}}) and tried again with a growing backoff
 * (1 s doubling to 5 min: a module or tracepoint may appear later), while the others serve. At start, a
 * {@code required} one that fails stops everything instead. A running one whose maps keep failing to read is
 * taken down and retried. A reload hands over a new list: what did not change is left untouched (same programs,
 * no gap), what left is detached, what came is loaded, and a changed one is loaded beside its running version and
 * swapped in once attached, the old version closed after; if the new version fails, the old one keeps serving.
 * A changed probe set's maps that keep their type and sizes carry over into its new version, and with pinning
 * on they are pinned under {@code <pin_dir>/<probe set>/} and carry on across restarts ({@link MapCarryOver}); the
 * pins of a probe set leave with it. All changes happen under this object's lock, on the daemon's lifecycle thread or at start; what the HTTP
 * server asks (status, readiness, event streams) is read from a snapshot published after each change, so a
 * scrape or a readiness probe never waits for a reload.
 */
public final class Supervisor implements StatusSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    /** Consecutive failed map reads (one per scrape and map) that take a running probe set down. */
    static final int READ_FAILURES_DOWN = 5;

    private final Path tracefs;
    private final Kallsyms kallsyms;
    private final SelfMetrics self;
    private final ProbeCollectors collectors;
    private final boolean programStats;
    private final Path pinDir;
    private final Map<String, ProbeSlot> slots = new LinkedHashMap<>();
    private Set<AttachSpec.Kind> disabled = Set.of();
    /** Attach kinds this kernel refused for every program, learned by any load, for the daemon's life. */
    private final Map<AttachSpec.Kind, String> refused = new ConcurrentHashMap<>();

    private volatile boolean closed;
    private volatile List<View> view = List.of();

    /** A probe set as the last change left it, for readers that must not take the lock. */
    private record View(
            String name,
            ProbeSetConfig config,
            ProbeSet running,
            boolean current,
            boolean required,
            String error,
            long failures) {}

    private void publish() {
        view = slots.values().stream()
                .map(s -> new View(s.name, s.config, s.running, s.current(), s.required(), s.error, s.failures))
                .toList();
    }

    /**
     * {@code programStats}: bind each program's run count and time (kernel.bpf_stats_enabled is on); {@code pinDir}:
     * where maps are pinned (null: pinning off).
     */
    public Supervisor(
            Path tracefs,
            Kallsyms kallsyms,
            SelfMetrics self,
            ProbeCollectors collectors,
            boolean programStats,
            Path pinDir) {
        this.tracefs = tracefs;
        this.kallsyms = kallsyms;
        this.self = self;
        this.collectors = collectors;
        this.programStats = programStats;
        this.pinDir = pinDir;
    }

    /**
     * Brings every probe set up. One that is {@code required} and fails closes all of them and throws its
     * {@link ProbeSetException}; any other that fails is left down and retried by {@link #tick}.
     */
    public synchronized void start(List<ProbeSetConfig> sets, Set<AttachSpec.Kind> disabledKinds) {
        this.disabled = Set.copyOf(disabledKinds);
        if (pinDir != null) {
            Bpffs.ensure(pinDir);
            Set<String> gone = Bpffs.removeAllBut(
                    pinDir, sets.stream().map(ProbeSetConfig::name).collect(Collectors.toSet()));
            if (!gone.isEmpty()) LOG.info("removed the pinned maps of probe sets no longer configured: {}", gone);
        }
        for (ProbeSetConfig config : sets) {
            ProbeSlot slot = add(config, ProbeSlot.fingerprint(config, disabled));
            if (!bringUp(slot) && slot.required()) {
                RuntimeException failure = new ProbeSetException(slot.error + " (the probe set is required)");
                close();
                throw failure;
            }
        }
    }

    /** Whether {@code config} is the version of its probe set already asked for: a reload leaves it alone. */
    public synchronized boolean unchanged(ProbeSetConfig config, Set<AttachSpec.Kind> disabledKinds) {
        ProbeSlot slot = slots.get(config.name());
        return slot != null && slot.fingerprint.equals(ProbeSlot.fingerprint(config, disabledKinds));
    }

    /**
     * Applies a validated configuration's probe sets and returns what changed: {@code probe sets: 1 added, 1
     * changed, 0 removed, 2 unchanged}, with those that failed to come up named (they are retried).
     */
    public synchronized String apply(List<ProbeSetConfig> sets, Set<AttachSpec.Kind> disabledKinds) {
        this.disabled = Set.copyOf(disabledKinds);
        Map<String, ProbeSetConfig> wanted = new LinkedHashMap<>();
        sets.forEach(s -> wanted.put(s.name(), s));
        int added = 0, changed = 0, removed = 0, unchanged = 0;
        List<String> failing = new ArrayList<>();
        for (String name : List.copyOf(slots.keySet())) {
            if (!wanted.containsKey(name)) {
                remove(slots.get(name), "removed from the config");
                if (pinDir != null) Bpffs.remove(pinDir.resolve(name));
                removed++;
            }
        }
        Map<String, ProbeSlot> order = new LinkedHashMap<>();
        for (ProbeSetConfig config : sets) {
            ProbeSlot slot = slots.get(config.name());
            String fingerprint = ProbeSlot.fingerprint(config, disabled);
            if (slot == null) {
                slot = add(config, fingerprint);
                added++;
                if (!bringUp(slot)) failing.add(slot.name);
            } else if (slot.fingerprint.equals(fingerprint)) {
                unchanged++;
            } else {
                slot.want(config, fingerprint);
                changed++;
                if (!bringUp(slot)) failing.add(slot.name);
            }
            order.put(slot.name, slot);
        }
        slots.clear();
        slots.putAll(order); // the config's order
        publish();
        return "probe sets: " + added + " added, " + changed + " changed, " + removed + " removed, " + unchanged
                + " unchanged" + (failing.isEmpty() ? "" : "; not up (retried): " + String.join(", ", failing));
    }

    /**
     * Retries probe sets whose backoff has passed and takes down running ones whose maps keep failing to read.
     * The daemon calls this every second.
     */
    public synchronized void tick() {
        if (closed) return;
        long now = System.nanoTime();
        for (ProbeSlot slot : slots.values()) {
            if (slot.running != null && slot.meters.consecutiveReadFailures() >= READ_FAILURES_DOWN) {
                takeDown(
                        slot,
                        "runtime",
                        "probe set " + slot.name + ": the last " + slot.meters.consecutiveReadFailures()
                                + " map reads failed (see kprom_map_read_errors_total and the log)");
            } else if (!slot.current() && now - slot.retryAtNanos >= 0) {
                bringUp(slot);
            }
        }
    }

    /** Loads and attaches the slot's wanted version; on success it replaces the running one. False on failure. */
    private boolean bringUp(ProbeSlot slot) {
        ProbeSet set;
        try {
            Map<String, BpfMap> live = new LinkedHashMap<>();
            if (slot.running != null && slot.running.object() != null)
                slot.running.object().maps().forEach(m -> live.put(m.name(), m));
            set = new ProbeSetLoader(tracefs, kallsyms, name -> slot.meters.observer(), disabled, refused)
                    .load(slot.config, new MapCarryOver(live, pinDir));
        } catch (ProbeSetException e) {
            failed(slot, e.reason(), e.getMessage());
            return false;
        } catch (ConfigException e) {
            failed(slot, "config", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            failed(slot, "load", ProbeObjects.describe(slot.config) + ": " + e);
            return false;
        }
        try {
            collectors.put(slot.name, set.collectors());
        } catch (IllegalArgumentException e) {
            set.close();
            failed(slot, "conflict", e.getMessage());
            return false;
        }
        ProbeSet previous = slot.running;
        slot.running = set;
        slot.runningFingerprint = slot.fingerprint;
        slot.error = null;
        bindRunning(slot, set);
        publish();
        if (previous != null) {
            previous.close();
            LOG.info("probe set {}: the new version is attached and serving; the previous one is detached", slot.name);
        }
        return true;
    }

    private void failed(ProbeSlot slot, String reason, String message) {
        slot.meters.failed(reason);
        Duration wait = slot.failed(message, System.nanoTime());
        String still = slot.running != null ? "; its previous version keeps serving" : "";
        LOG.warn("{}{}; trying again in {} s", message, still, wait.toSeconds());
        publish();
    }

    private void takeDown(ProbeSlot slot, String reason, String message) {
        collectors.remove(slot.name);
        ProbeSet running = slot.running;
        slot.running = null;
        slot.runningFingerprint = null;
        publish();
        running.close();
        failed(slot, reason, message + "; detached");
    }

    private ProbeSlot add(ProbeSetConfig config, String fingerprint) {
        ProbeSlot slot = new ProbeSlot(config.name(), self.probe(config.name(), () -> isUp(config.name())));
        slot.want(config, fingerprint);
        slots.put(slot.name, slot);
        publish();
        return slot;
    }

    private boolean isUp(String name) {
        return view.stream().anyMatch(v -> v.name().equals(name) && v.running() != null);
    }

    private void remove(ProbeSlot slot, String why) {
        collectors.remove(slot.name);
        slots.remove(slot.name, slot);
        publish();
        if (slot.running != null) slot.running.close();
        slot.meters.close();
        LOG.info("probe set {}: {}; detached and unloaded", slot.name, why);
    }

    /** The running version's own metrics: its programs' attach choices, event rings, and run stats. */
    private void bindRunning(ProbeSlot slot, ProbeSet set) {
        ProbeMeters.Running running = slot.meters.running();
        for (ProgramStatus p : set.status().programs())
            if (!p.program().isEmpty()) running.program(p.program(), p.attach()); // not an optional slot left empty
        for (BpfMap map :
                set.object() == null ? List.<BpfMap>of() : set.object().maps()) {
            if (!map.declaredByProbe() || !map.type().carriesOver()) continue;
            String name = map.name();
            running.mapFill(
                    name,
                    () -> set.collectors().stream()
                            .map(c -> c.status())
                            .filter(m -> m.map().equals(name))
                            .mapToLong(m -> m.lastEntries())
                            .max()
                            .orElse(0),
                    map.maxEntries());
        }
        if (set.object() != null)
            UpdateErrors.of(set.object()).ifPresent(errors -> {
                for (String map : UpdateErrors.countedMaps(set.object()))
                    running.mapUpdateErrors(map, () -> errors.count(map));
            });
        for (ProbeSet.Events e : set.events()) {
            EventReader reader = e.reader();
            List<EventReader.RingCounts> rings = reader.counts();
            for (int i = 0; i < rings.size(); i++) {
                int ring = i;
                running.eventRing(
                        e.stream().map(),
                        rings.get(i).ring(),
                        () -> reader.counts(ring).received(),
                        () -> reader.counts(ring).lost(),
                        () -> reader.counts(ring).corrupt());
            }
            running.eventDecodeErrors(e.stream().map(), e.stream()::decodeErrors);
            running.drainRestarts(e.stream().map(), reader::restarts);
        }
        if (programStats) {
            set.programs()
                    .forEach((name, program) -> running.programStats(program.name(), () -> {
                        try {
                            return program.runStats();
                        } catch (RuntimeException closedProgram) {
                            return new long[2];
                        }
                    }));
        }
    }

    /** Ready: not closed, and every required probe set attached (an optional one that is down does not count). */
    @Override
    public boolean ready() {
        return !closed && view.stream().allMatch(v -> !v.required() || v.running() != null);
    }

    @Override
    public List<ProbeStatus> probes() {
        List<ProbeStatus> all = new ArrayList<>();
        for (View v : view) {
            if (v.running() != null) {
                String error = v.current() ? null : "the configured version is not running: " + v.error();
                all.add(v.running().status().supervised(v.required(), error, v.failures()));
            } else {
                all.add(new ProbeStatus(
                                v.name(),
                                v.config().source(),
                                ProbeObjects.fileName(v.config()),
                                false,
                                List.of(),
                                List.of(),
                                List.of())
                        .supervised(v.required(), v.error(), v.failures()));
            }
        }
        return all;
    }

    /** The configured probe sets' names, in config order. */
    public List<String> names() {
        return view.stream().map(View::name).toList();
    }

    /** The running probe sets, by name. */
    public Map<String, ProbeSet> running() {
        Map<String, ProbeSet> running = new LinkedHashMap<>();
        for (View v : view) if (v.running() != null) running.put(v.name(), v.running());
        return running;
    }

    /** Each running probe set's event streams, for the event path. */
    public Map<String, List<EventStream>> events() {
        Map<String, List<EventStream>> events = new LinkedHashMap<>();
        running().forEach((name, set) -> {
            if (!set.events().isEmpty())
                events.put(
                        name, set.events().stream().map(ProbeSet.Events::stream).toList());
        });
        return events;
    }

    /** Detaches and unloads every probe set, last first. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<ProbeSlot> all = new ArrayList<>(slots.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                remove(all.get(i), "kprom is stopping");
            } catch (RuntimeException e) {
                LOG.warn("closing probe set {}: {}", all.get(i).name, e.toString());
            }
        }
        slots.clear();
        publish();
    }
}
