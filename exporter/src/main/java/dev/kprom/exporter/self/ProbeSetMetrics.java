package dev.kprom.exporter.self;

import dev.kprom.exporter.collect.CollectObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * One probe set's self-metrics, fed by its collectors:
 * {@code kprom_map_read_duration_seconds{probe}}, {@code kprom_map_read_errors_total{probe}},
 * {@code kprom_decode_errors_total{probe}}, {@code kprom_series_dropped_total{probe,metric}},
 * {@code kprom_scrape_timeouts_total{probe}}.
 */
final class ProbeSetMetrics implements CollectObserver {
    private final MeterRegistry meters;
    private final String probe;
    private final Timer readDuration;
    private final Counter readErrors;
    private final Counter decodeErrors;
    private final Counter timeouts;

    ProbeSetMetrics(MeterRegistry meters, String probe) {
        this.meters = meters;
        this.probe = probe;
        readDuration = Timer.builder("kprom.map.read.duration")
                .description("Time to read, decode and aggregate one map at a scrape.")
                .tag("probe", probe)
                .register(meters);
        readErrors = Counter.builder("kprom.map.read.errors")
                .description("Map reads that failed; the metric was left out of that scrape.")
                .tag("probe", probe)
                .register(meters);
        decodeErrors = Counter.builder("kprom.decode.errors")
                .description("Map keys whose labels could not be decoded and were left out.")
                .tag("probe", probe)
                .register(meters);
        timeouts = Counter.builder("kprom.scrape.timeouts")
                .description(
                        "Scrapes that left this probe set's metrics out because its maps took longer than the scrape timeout allowed.")
                .tag("probe", probe)
                .register(meters);
    }

    @Override
    public void timedOut(String metric) {
        timeouts.increment();
    }

    @Override
    public void read(String metric, long nanos, long entries) {
        readDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void readFailed(String metric, RuntimeException error) {
        readErrors.increment();
    }

    @Override
    public void decodeErrors(String metric, long count) {
        decodeErrors.increment(count);
    }

    @Override
    public void dropped(String metric, long count) {
        Counter.builder("kprom.series.dropped")
                .description("Series not exported because the metric reached its max_series, summed over scrapes.")
                .tag("probe", probe)
                .tag("metric", metric)
                .register(meters)
                .increment(count);
    }
}
