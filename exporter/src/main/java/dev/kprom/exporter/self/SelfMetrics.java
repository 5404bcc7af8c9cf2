package dev.kprom.exporter.self;

import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.exporter.status.StatusSource;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * kprom's own metrics in Micrometer, sharing one Prometheus registry with the probe collectors: JVM and process
 * metrics, and {@code kprom_build_info{version="...",java_version="..."} 1}.
 */
public final class SelfMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry meters;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Micrometer holds function-counter state weakly: the suppliers are kept alive here. */
    private final List<Object> keepAlive = new CopyOnWriteArrayList<>();

    public SelfMetrics(PrometheusRegistry registry, String version) {
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
        // Keep `promtool check metrics` clean: no abbreviated units (process_cpu_time_ns_total; process_cpu_usage
        // stays), no _count suffix on a gauge (system_cpu_count becomes system_cpus).
        meters.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        new JvmMemoryMetrics().bindTo(meters);
        gc.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
        Gauge.builder("kprom.build.info", () -> 1)
                .description("kprom's version and the Java runtime it runs on; always 1.")
                .tag("version", version)
                .tag("java_version", System.getProperty("java.version"))
                .register(meters);
    }

    /**
     * {@code kprom_config_last_reload_successful} and {@code kprom_config_last_reload_success_timestamp_seconds},
     * named as Prometheus names its own: the config in use was loaded at that time (at start, until reloads exist).
     */
    public void configLoaded(Instant when) {
        Gauge.builder("kprom.config.last.reload.successful", () -> 1)
                .description("Whether the last configuration load succeeded (1).")
                .register(meters);
        Gauge.builder("kprom.config.last.reload.success.timestamp", () -> when.getEpochSecond())
                .description("When the configuration in use was loaded, in seconds since the epoch.")
                .baseUnit("seconds")
                .register(meters);
    }

    /** The observer a probe set's collectors report their reads to. */
    public CollectObserver probeSet(String probe) {
        return new ProbeSetMetrics(meters, probe);
    }

    /**
     * {@code kprom_probe_up{probe}} (1 while attached) and {@code kprom_program_info{probe,program,attach}} (1 per
     * program slot, naming the alternative attached) for each probe set the status source reports.
     */
    public void bindStatus(StatusSource status) {
        for (ProbeStatus p : status.probes()) {
            Gauge.builder(
                            "kprom.probe.up",
                            status,
                            s -> s.probes().stream().anyMatch(q -> q.name().equals(p.name()) && q.up()) ? 1 : 0)
                    .description("1 while the probe set is loaded and attached.")
                    .tag("probe", p.name())
                    .register(meters);
            for (ProgramStatus program : p.programs()) {
                Gauge.builder("kprom.program.info", () -> 1)
                        .description("The attach alternative in use for each program slot; always 1.")
                        .tag("probe", p.name())
                        .tag("program", program.program())
                        .tag("attach", program.attach())
                        .register(meters);
            }
        }
    }

    /**
     * {@code kprom_program_run_time_seconds_total{probe,program}} and {@code kprom_program_runs_total{probe,program}}:
     * what the kernel counts for a program while {@code kernel.bpf_stats_enabled} is 1.
     */
    public void bindProgramStats(String probe, String program, Supplier<long[]> runTimeNsAndCount) {
        FunctionCounter.builder("kprom.program.run.time", runTimeNsAndCount, s -> s.get()[0] / 1e9)
                .description("CPU time spent in this BPF program (kernel.bpf_stats_enabled must be 1).")
                .baseUnit("seconds")
                .tag("probe", probe)
                .tag("program", program)
                .register(meters);
        FunctionCounter.builder("kprom.program.runs", runTimeNsAndCount, s -> s.get()[1])
                .description("Times this BPF program ran (kernel.bpf_stats_enabled must be 1).")
                .tag("probe", probe)
                .tag("program", program)
                .register(meters);
        keepAlive.add(runTimeNsAndCount); // Micrometer holds function-counter state weakly: keep it alive here
    }

    /**
     * {@code kprom_events_received_total{probe,map,cpu}} and {@code kprom_events_lost_total{probe,map,cpu}} for one
     * ring of an event map ({@code cpu} is the ring's CPU; a ring buffer has one ring, cpu "0").
     */
    public void bindEventRing(String probe, String map, int cpu, LongSupplier received, LongSupplier lost) {
        FunctionCounter.builder("kprom.events.received", received, s -> s.getAsLong())
                .description("Event records taken from this ring and turned into metrics.")
                .tag("probe", probe)
                .tag("map", map)
                .tag("cpu", Integer.toString(cpu))
                .register(meters);
        FunctionCounter.builder("kprom.events.lost", lost, s -> s.getAsLong())
                .description("Event records the kernel dropped because this ring was full (perf rings report them).")
                .tag("probe", probe)
                .tag("map", map)
                .tag("cpu", Integer.toString(cpu))
                .register(meters);
        keepAlive.add(received);
        keepAlive.add(lost);
    }

    /** {@code kprom_event_decode_errors_total{probe,map}}: records too short for the stream's layout. */
    public void bindEventDecodeErrors(String probe, String map, LongSupplier errors) {
        FunctionCounter.builder("kprom.event.decode.errors", errors, s -> s.getAsLong())
                .description("Event records that did not fit the stream's record layout and were left out.")
                .tag("probe", probe)
                .tag("map", map)
                .register(meters);
        keepAlive.add(errors);
    }

    /** {@code kprom_scrape_duration_seconds}: whole /metrics requests, as the HTTP server times them. */
    public Timer scrapeDuration() {
        return Timer.builder("kprom.scrape.duration")
                .description("Time to serve one /metrics request.")
                .register(meters);
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    @Override
    public void close() {
        gc.close();
        meters.close();
    }
}
