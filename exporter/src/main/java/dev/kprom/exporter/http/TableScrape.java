package dev.kprom.exporter.http;

import dev.kprom.exporter.exposition.SeriesTable;
import dev.kprom.exporter.exposition.TableCollector;
import dev.kprom.exporter.exposition.TextExposition;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One scrape in a text format, the fast way: the map metrics ({@link TableCollector}s) written by
 * {@link TextExposition} straight from their series, then everything else in the registry (self-metrics, JVM)
 * by client_java's own writer, which also ends an OpenMetrics exposition with {@code # EOF}. The map metrics are
 * registered in the registry too, for the other formats; here they are left out of its scrape.
 */
final class TableScrape {
    private final PrometheusRegistry registry;
    private final Supplier<List<TableCollector>> tables;

    /** {@code tables}: the collectors written as tables, asked afresh each scrape (probe sets come and go). */
    TableScrape(PrometheusRegistry registry, Supplier<List<TableCollector>> tables) {
        this.registry = registry;
        this.tables = tables;
    }

    /** Whether this writer's format is one {@link TextExposition} writes. */
    static boolean handles(ExpositionFormatWriter writer) {
        return writer instanceof PrometheusTextFormatWriter || writer instanceof OpenMetricsTextFormatWriter;
    }

    /** Writes every family {@code included} lets through, in {@code writer}'s format ({@link #handles}). */
    void write(OutputStream out, ExpositionFormatWriter writer, Predicate<String> included) throws IOException {
        TextExposition text = new TextExposition(out, writer instanceof OpenMetricsTextFormatWriter);
        List<TableCollector> current = tables.get();
        Set<String> names = new HashSet<>();
        for (TableCollector t : current) {
            names.addAll(t.getPrometheusNames());
            if (!included.test(t.getPrometheusNames().get(0))) continue;
            SeriesTable table = t.table();
            if (table != null) text.write(table);
        }
        text.flush();
        writer.write(out, registry.scrape(name -> !names.contains(name) && included.test(name)));
    }
}
