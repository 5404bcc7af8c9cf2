package dev.kprom.exporter.self;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * kprom's own metrics in Micrometer, sharing one Prometheus registry with the probe collectors: JVM and process
 * metrics, and {@code kprom_build_info{version="...",java_version="..."} 1}.
 */
public final class SelfMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry meters;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public SelfMetrics(PrometheusRegistry registry, String version) {
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
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

    /** {@code kprom_series_dropped_total{metric}}: series a metric dropped because of its max_series. */
    public void seriesDropped(String metric, long count) {
        Counter.builder("kprom.series.dropped")
                .description("Series not exported because the metric reached its max_series, summed over scrapes.")
                .tag("metric", metric)
                .register(meters)
                .increment(count);
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
