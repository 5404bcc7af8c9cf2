package dev.kprom.exporter.self;

import dev.kprom.exporter.collect.CollectObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One configured probe set's self-metrics, for as long as it is configured (across reloads and retries):
 * {@code kprom_probe_up{probe}}, {@code kprom_probe_failures_total{probe,reason}}, the read metrics its collectors
 * report ({@link #observer()}), and the metrics of the version running now ({@code kprom_program_info},
 * event ring counts, program run stats), which {@link #running()} replaces when another version takes over.
 * {@link #close()} removes them all, when the probe set leaves the config.
 */
public final class ProbeMeters implements AutoCloseable {
    private final MeterRegistry meters;
    private final String probe;
    private final ProbeSetMetrics observer;
    private final List<Meter> lifetime = new ArrayList<>();
    private final List<Meter> version = new ArrayList<>();
    /** The state of this version's function counters (see {@link Running}), dropped with them. */
    private final List<Object> held = new ArrayList<>();

    ProbeMeters(MeterRegistry meters, String probe, BooleanSupplier up) {
        this.meters = meters;
        this.probe = probe;
        this.observer = new ProbeSetMetrics(meters, probe);
        lifetime.add(Gauge.builder("kprom.probe.up", up, u -> u.getAsBoolean() ? 1 : 0)
                .description("1 while the probe set is loaded and attached, 0 while it is down (see /probes for why).")
                .tag("probe", probe)
                .strongReference(true)
                .register(meters));
    }

    /** Where this probe set's collectors report reads, read failures, drops and timeouts. */
    public CollectObserver observer() {
        return observer;
    }

    /** Map reads that failed since the last one that succeeded (or since {@link #running()}: a new version). */
    public long consecutiveReadFailures() {
        return observer.consecutiveReadFailures();
    }

    /** {@code kprom_probe_failures_total{probe,reason}}: a load, attach or runtime failure of this probe set. */
    public synchronized void failed(String reason) {
        Counter c = Counter.builder("kprom.probe.failures")
                .description("Times this probe set failed to come up or was taken down, by reason.")
                .tag("probe", probe)
                .tag("reason", reason)
                .register(meters);
        if (!lifetime.contains(c)) lifetime.add(c);
        c.increment();
    }

    /** Forgets the metrics of the version that ran until now; the caller binds the new one's. */
    public synchronized Running running() {
        observer.resetReadFailures();
        version.forEach(meters::remove);
        version.clear();
        held.clear();
        return new Running();
    }

    @Override
    public synchronized void close() {
        version.forEach(meters::remove);
        lifetime.forEach(meters::remove);
        observer.close();
        version.clear();
        held.clear();
        lifetime.clear();
    }

    /**
     * Binds the metrics of one running version of the probe set. Their suppliers are held only until
     * {@link #running()} or {@link #close()} removes the meters: nothing of a replaced version stays reachable (until
     * a process-wide list kept each one, and the old probe set behind it, for good).
     */
    public final class Running {
        private Running() {}

        /** {@code kprom_program_info{probe,program,attach}}: the alternative attached for a program slot; always 1. */
        public Running program(String program, String attach) {
            gauge(
                    "kprom.program.info",
                    "The attach alternative in use for each program slot; always 1.",
                    () -> 1,
                    "program",
                    program,
                    "attach",
                    attach);
            return this;
        }

        /**
         * {@code kprom_program_run_time_seconds_total} and {@code kprom_program_runs_total{probe,program}}: what the
         * kernel counts for a program while {@code kernel.bpf_stats_enabled} is 1.
         */
        public Running programStats(String program, Supplier<long[]> runTimeNsAndCount) {
            add(
                    FunctionCounter.builder("kprom.program.run.time", runTimeNsAndCount, s -> s.get()[0] / 1e9)
                            .description("CPU time spent in this BPF program (kernel.bpf_stats_enabled must be 1).")
                            .baseUnit("seconds")
                            .tags("probe", probe, "program", program)
                            .register(meters),
                    runTimeNsAndCount);
            counter(
                    "kprom.program.runs",
                    "Times this BPF program ran (kernel.bpf_stats_enabled must be 1).",
                    () -> runTimeNsAndCount.get()[1],
                    "program",
                    program);
            return this;
        }

        /**
         * {@code kprom_events_received_total}, {@code kprom_events_lost_total} and {@code kprom_events_corrupt_total}
         * ({@code probe,map,cpu}) for one ring of an event map ({@code cpu}: the ring's CPU; a ring buffer's is 0).
         */
        public Running eventRing(String map, int cpu, LongSupplier received, LongSupplier lost, LongSupplier corrupt) {
            String ring = Integer.toString(cpu);
            counter(
                    "kprom.events.received",
                    "Event records taken from this ring and turned into metrics.",
                    received,
                    "map",
                    map,
                    "cpu",
                    ring);
            counter(
                    "kprom.events.lost",
                    "Event records the kernel dropped because this ring was full (perf rings report" + " them).",
                    lost,
                    "map",
                    map,
                    "cpu",
                    ring);
            counter(
                    "kprom.events.corrupt",
                    "Drains of this ring that met a header that cannot be right and skipped to" + " the producer.",
                    corrupt,
                    "map",
                    map,
                    "cpu",
                    ring);
            return this;
        }

        /**
         * {@code kprom_map_entries{probe,map}} (as of the map's last read, at a scrape) and
         * {@code kprom_map_max_entries{probe,map}}: their ratio is how full the map is.
         */
        public Running mapFill(String map, LongSupplier entries, long maxEntries) {
            gauge(
                    "kprom.map.entries",
                    "Entries in this BPF map as of its last read (at a scrape).",
                    entries,
                    "map",
                    map);
            gauge("kprom.map.max.entries", "The most entries this BPF map can hold.", () -> maxEntries, "map", map);
            return this;
        }

        /**
         * {@code kprom_map_update_errors_total{probe,map}}: updates of this map its programs saw refused (a full
         * hash, no memory), as counted through probes/include/kprom.h.
         */
        public Running mapUpdateErrors(String map, LongSupplier errors) {
            counter(
                    "kprom.map.update.errors",
                    "Updates of this BPF map that its programs saw refused (full, or out of memory): new keys go"
                            + " uncounted.",
                    errors,
                    "map",
                    map);
            return this;
        }

        /** {@code kprom_drain_restarts_total{probe,map}}: drain threads that failed and went on draining. */
        public Running drainRestarts(String map, LongSupplier restarts) {
            counter(
                    "kprom.drain.restarts",
                    "Times a drain thread of this event map failed; it logs why and drains on.",
                    restarts,
                    "map",
                    map);
            return this;
        }

        /** {@code kprom_event_decode_errors_total{probe,map}}: records too short for the stream's layout. */
        public Running eventDecodeErrors(String map, LongSupplier errors) {
            counter(
                    "kprom.event.decode.errors",
                    "Event records that did not fit the stream's record layout and were" + " left out.",
                    errors,
                    "map",
                    map);
            return this;
        }

        /** A counter of this probe set ({@code probe} tag first, then {@code tags} as name, value pairs). */
        private void counter(String name, String description, LongSupplier value, String... tags) {
            add(
                    FunctionCounter.builder(name, value, LongSupplier::getAsLong)
                            .description(description)
                            .tag("probe", probe)
                            .tags(tags)
                            .register(meters),
                    value);
        }

        private void gauge(String name, String description, LongSupplier value, String... tags) {
            add(Gauge.builder(name, value, LongSupplier::getAsLong)
                    .description(description)
                    .tag("probe", probe)
                    .tags(tags)
                    .strongReference(true)
                    .register(meters));
        }

        private void add(Meter m) {
            add(m, null);
        }

        /** Micrometer holds a function counter's state weakly: {@code state} is held here for as long as the meter. */
        private void add(Meter m, Object state) {
            synchronized (ProbeMeters.this) {
                version.add(m);
                if (state != null) held.add(state);
            }
        }
    }
}
