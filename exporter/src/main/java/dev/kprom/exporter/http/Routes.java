package dev.kprom.exporter.http;

import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.status.StatusSource;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.kprom.exporter.exposition.SeriesTable;
import dev.kprom.exporter.exposition.TableCollector;
import java.util.List;
import java.util.Map;

/**
 * What the server serves: the registry behind /metrics, the landing page, the daemon's status, the scrape timer,
 * and, when {@code eventsPath} is set, each probe set's event streams as live NDJSON there. {@code tables} are
 * the registry's collectors that the text formats take as {@link SeriesTable}s (see {@link TableScrape}).
 */
public record Routes(PrometheusRegistry registry, LandingPage landing, StatusSource status, Timer scrapeDuration,
                     String eventsPath, Map<String, List<EventStream>> events, List<TableCollector> tables) {
    public Routes {
        events = events == null ? Map.of() : Map.copyOf(events);
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    /** Every collector through client_java. */
    public Routes(PrometheusRegistry registry, LandingPage landing, StatusSource status, Timer scrapeDuration,
                  String eventsPath, Map<String, List<EventStream>> events) {
        this(registry, landing, status, scrapeDuration, eventsPath, events, null);
    }

    /** No event endpoint. */
    public Routes(PrometheusRegistry registry, LandingPage landing, StatusSource status, Timer scrapeDuration) {
        this(registry, landing, status, scrapeDuration, null, null);
    }
}
