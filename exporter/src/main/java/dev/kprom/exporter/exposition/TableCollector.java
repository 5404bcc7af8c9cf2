package dev.kprom.exporter.exposition;

import io.prometheus.metrics.model.registry.MultiCollector;

/**
 * A collector of one metric family that can hand over its scrape as a {@link SeriesTable}, which
 * {@link TextExposition} writes without client_java snapshots. {@link #collect()} must give the same family, and
 * {@link #getPrometheusNames()} its one name.
 */
public interface TableCollector extends MultiCollector {
    /** This scrape's series, or null when the family is left out of this scrape (its deadline passed). */
    SeriesTable table();
}
