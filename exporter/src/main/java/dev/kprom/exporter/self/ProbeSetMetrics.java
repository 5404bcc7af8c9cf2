package dev.kprom.exporter.self;

import dev.kprom.exporter.collect.CollectObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One probe set's self-metrics, fed by its collectors:
 * {@code kprom_map_read_duration_seconds{probe}}, {@code kprom_map_read_errors_total{probe}},
 * {@code kprom_decode_errors_total{probe}}, {@code kprom_series_dropped_total{probe,metric}},
 * {@code kprom_scrape_timeouts_total{probe}}.
 */
final class ProbeSetMetrics implements CollectObserver, AutoCloseable {
    private final MeterRegistry meters;
    private final AtomicLong consecutiveReadFailures = new AtomicLong();
    private final Set<Meter> dropped = ConcurrentHashMap.newKeySet();
    private final Set<String> readOnce = ConcurrentHashMap.newKeySet();
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
        if (readOnce.add(metric)) dropped(metric, 0); // a zero series from the start: increase() sees the first drop
        consecutiveReadFailures.set(0);
        readDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void readFailed(String metric, RuntimeException error) {
        consecutiveReadFailures.incrementAndGet();
        readErrors.increment();
    }

    long consecutiveReadFailures() {
        return consecutiveReadFailures.get();
    }

    void resetReadFailures() {
        consecutiveReadFailures.set(0);
    }

    @Override
    public void decodeErrors(String metric, long count) {
        decodeErrors.increment(count);
    }

    @Override
    public void dropped(String metric, long count) {
        Counter c = Counter.builder("kprom.series.dropped")
                .description("Series not exported because the metric reached its max_series, summed over scrapes.")
                .tag("probe", probe)
                .tag("metric", metric)
                .register(meters);
        c.increment(count);
        dropped.add(c);
    }

    /** Removes this probe set's meters (it left the config). */
    @Override
    public void close() {
        for (Meter m : List.of(readDuration, readErrors, decodeErrors, timeouts)) meters.remove(m);
        dropped.forEach(meters::remove);
    }
}
