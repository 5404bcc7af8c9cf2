package dev.kprom.exporter.collect;

/** Told how many series a metric dropped at one scrape because of its {@code max_series}. */
@FunctionalInterface
public interface SeriesDrops {
    SeriesDrops IGNORE = (metric, dropped) -> { };

    void dropped(String metric, long count);
}
