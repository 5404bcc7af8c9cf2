package dev.kprom.exporter.collect;

/** Told what each scrape-time read did: for kprom's self-metrics. Calls must be cheap and never throw. */
public interface CollectObserver {
    CollectObserver IGNORE = new CollectObserver() {};

    /** A full map read for {@code metric} took {@code nanos} and visited {@code entries}. */
    default void read(String metric, long nanos, long entries) {}

    /** The read for {@code metric} failed; the metric is left out of this scrape. */
    default void readFailed(String metric, RuntimeException error) {}

    /** {@code count} keys could not be decoded (a decoder rejected their bytes) and were left out. */
    default void decodeErrors(String metric, long count) {}

    /** The scrape's deadline passed before {@code metric}'s map was read; it was left out of that scrape. */
    default void timedOut(String metric) {}

    /** {@code count} series were dropped because the metric reached its max_series. */
    default void dropped(String metric, long count) {}
}
