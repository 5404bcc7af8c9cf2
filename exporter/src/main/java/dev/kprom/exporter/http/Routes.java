package dev.kprom.exporter.http;

import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.status.StatusSource;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;

/**
 * What the server serves: the registry behind /metrics, the landing page, the daemon's status, the scrape timer,
 * and, when {@code eventsPath} is set, each probe set's event streams as live NDJSON there.
 */
public record Routes(PrometheusRegistry registry, LandingPage landing, StatusSource status, Timer scrapeDuration,
                     String eventsPath, Map<String, List<EventStream>> events) {
    public Routes {
        events = events == null ? Map.of() : Map.copyOf(events);
    }

    /** No event endpoint. */
    public Routes(PrometheusRegistry registry, LandingPage landing, StatusSource status, Timer scrapeDuration) {
        this(registry, landing, status, scrapeDuration, null, null);
    }
}
