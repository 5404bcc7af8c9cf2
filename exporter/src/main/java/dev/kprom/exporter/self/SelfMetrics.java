package dev.kprom.exporter.self;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * kprom's own metrics in Micrometer, sharing one Prometheus registry with the probe collectors: JVM and process
 * metrics, and {@code kprom_build_info{version="...",java_version="..."} 1}.
 */
public final class SelfMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry meters;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicLong lastReloadSuccessful = new AtomicLong();
    private final AtomicLong lastReloadSuccess = new AtomicLong();
    private final ThreadCpu threadCpu;

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
        Gauge.builder("kprom.config.last.reload.successful", lastReloadSuccessful, AtomicLong::get)
                .description("Whether the last configuration load (at start or on reload) succeeded.")
                .register(meters);
        Gauge.builder("kprom.config.last.reload.success.timestamp", lastReloadSuccess, AtomicLong::get)
                .description("When the configuration in use was loaded, in seconds since the epoch.")
                .baseUnit("seconds")
                .register(meters);
        ThreadCpu cpu = new ThreadCpu(System::nanoTime);
        for (int g = 0; g < ThreadCpu.GROUPS.length; g++) {
            int group = g;
            FunctionCounter.builder("kprom.thread.cpu", cpu, c -> c.seconds(group))
                    .description("CPU time used by kprom's threads, by what they do (drain: the event readers).")
                    .baseUnit("seconds")
                    .tag("threads", ThreadCpu.GROUPS[g])
                    .register(meters);
        }
        threadCpu = cpu; // function counters hold their state weakly
        Gauge.builder("process.resident.memory", ResidentMemory::bytes)
                .description("Resident set size of the kprom process (VmRSS).")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("kprom.build.info", () -> 1)
                .description("kprom's version and the Java runtime it runs on; always 1.")
                .tag("version", version)
                .tag("java_version", System.getProperty("java.version"))
                .register(meters);
    }

    /**
     * A configuration load's outcome, named as Prometheus names its own: {@code kprom_config_last_reload_successful}
     * (1 or 0), {@code kprom_config_last_reload_success_timestamp_seconds} (when the config in use was loaded) and
     * {@code kprom_config_reloads_total{result}} ({@code success}, {@code failure}; the load at start counts too).
     */
    public void configLoaded(boolean success, Instant when) {
        lastReloadSuccessful.set(success ? 1 : 0);
        if (success) lastReloadSuccess.set(when.getEpochSecond());
        Counter.builder("kprom.config.reloads")
                .description("Configuration loads, at start and on reload, by result.")
                .tag("result", success ? "success" : "failure")
                .register(meters)
                .increment();
    }

    /**
     * A configured probe set's self-metrics, {@code kprom_probe_up{probe}} ({@code up} says whether it runs) among
     * them; closed when the probe set leaves the config.
     */
    public ProbeMeters probe(String probe, BooleanSupplier up) {
        return new ProbeMeters(meters, probe, up);
    }

    /** {@code kprom_ready}: 1 while {@code /readyz} says ready (every required probe set attached), else 0. */
    public void ready(BooleanSupplier ready) {
        Gauge.builder("kprom.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while kprom is ready: its configuration loaded and every required probe set attached.")
                .strongReference(true)
                .register(meters);
    }

    /**
     * The pod cache's own metrics: {@code kprom_kube_pods} (pods known, deleted ones in their retention included),
     * {@code kprom_kube_api_errors_total} (failed requests to the API server), {@code kprom_kube_watching} (1 while
     * the watch runs) and {@code kprom_kube_pods_refused_total} (left out at max_pods).
     */
    public void kube(IntSupplier pods, LongSupplier errors, BooleanSupplier watching, LongSupplier refused) {
        Gauge.builder("kprom.kube.pods", pods, IntSupplier::getAsInt)
                .description("Pods of this node the Kubernetes metadata cache knows.")
                .strongReference(true)
                .register(meters);
        FunctionCounter.builder("kprom.kube.api.errors", errors, LongSupplier::getAsLong)
                .description(
                        "Requests to the Kubernetes API server that failed (refused, cut, or answered with an error).")
                .register(meters);
        Gauge.builder("kprom.kube.watching", watching, w -> w.getAsBoolean() ? 1 : 0)
                .description("1 while the watch of this node's pods runs; 0 during an API server outage.")
                .strongReference(true)
                .register(meters);
        FunctionCounter.builder("kprom.kube.pods.refused", refused, LongSupplier::getAsLong)
                .description("Pods left out of the metadata cache, its max_pods reached.")
                .register(meters);
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
