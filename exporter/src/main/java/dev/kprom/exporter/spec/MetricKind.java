package dev.kprom.exporter.spec;

/** The three kinds of metric a map or an event stream can feed, each with the YAML list that declares it. */
public enum MetricKind {
    COUNTER("counters"),
    GAUGE("gauges"),
    HISTOGRAM("histograms");

    private final String yamlList;

    MetricKind(String yamlList) {
        this.yamlList = yamlList;
    }

    /** The key of the YAML list that declares metrics of this kind: {@code counters}, {@code gauges}, {@code histograms}. */
    public String yamlList() {
        return yamlList;
    }
}
