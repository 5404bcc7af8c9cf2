package dev.kprom.exporter.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.spec.MetricKind;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** kprom's text writer against client_java's, byte for byte, on the same families. */
class TextExpositionTest {
    /** Counters take the first 9 (client_java refuses negative counters), gauges all. */
    private static final double[] VALUES = {
        0,
        1,
        42,
        9_999_999,
        10_000_000,
        12_345_678,
        1.8446744073709552E19,
        0.25,
        Double.POSITIVE_INFINITY,
        -1.5,
        -0.0,
        Double.NaN,
        Double.NEGATIVE_INFINITY
    };

    /**
     * One series per value, label values sorted as client_java sorts series, some needing escapes; lines rendered
     * ahead or not.
     */
    private static SeriesTable table(
            MetricKind kind, String help, List<String> names, double[] bounds, int series, boolean ahead) {
        String name = kind == MetricKind.COUNTER ? "kprom_x" : "kprom_x_seconds";
        SeriesIndex index =
                new SeriesIndex(!ahead ? null : kind == MetricKind.COUNTER ? name + "_total" : name, names, 1000);
        int slots = bounds == null ? 1 : bounds.length;
        SeriesTable.Builder b = new SeriesTable.Builder(bounds, 1000, index, 0);
        for (int i = 0; i < series; i++) {
            int n = i;
            List<String> values = names.isEmpty()
                    ? List.of()
                    : Stream.concat(
                                    Stream.of(String.format("v%02d \"q\" \\ é\nx", i)),
                                    names.stream().skip(1).map(l -> l + n))
                            .toList();
            int row = b.row(index.id(values));
            for (int s = 0; s < slots; s++) b.add(row, s, bounds == null ? VALUES[i % VALUES.length] : s * 3 + i);
        }
        return b.build(kind, name, help);
    }

    static Stream<Arguments> families() {
        double[] bounds = {1e-6, 0.001, 0.5, 2, 1e7, Double.POSITIVE_INFINITY};
        return Stream.of(
                Arguments.of(
                        "counter",
                        table(
                                MetricKind.COUNTER,
                                "calls, \"quoted\" \\ and\nnewline",
                                List.of("a", "b"),
                                null,
                                9,
                                true)),
                Arguments.of(
                        "counter, lines not ahead", table(MetricKind.COUNTER, "h", List.of("a", "b"), null, 9, false)),
                Arguments.of("gauge", table(MetricKind.GAUGE, "a gauge", List.of("a"), null, VALUES.length, true)),
                Arguments.of(
                        "gauge, lines not ahead",
                        table(MetricKind.GAUGE, "a gauge", List.of("a"), null, VALUES.length, false)),
                Arguments.of("unlabelled counter", table(MetricKind.COUNTER, "h", List.of(), null, 1, true)),
                Arguments.of("no help", table(MetricKind.GAUGE, null, List.of("a"), null, 2, true)),
                Arguments.of("histogram", table(MetricKind.HISTOGRAM, "latency", List.of("a", "z"), bounds, 3, false)),
                Arguments.of(
                        "unlabelled histogram", table(MetricKind.HISTOGRAM, "latency", List.of(), bounds, 1, false)),
                Arguments.of("empty", table(MetricKind.COUNTER, "h", List.of("a"), null, 0, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void writesWhatClientJavaWritesInTextFormat(String what, SeriesTable table) throws Exception {
        assertThat(ours(table, false)).isEqualTo(theirs(table, PrometheusTextFormatWriter.create()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void writesWhatClientJavaWritesInOpenMetrics(String what, SeriesTable table) throws Exception {
        assertThat(ours(table, true) + "# EOF\n").isEqualTo(theirs(table, OpenMetricsTextFormatWriter.create()));
    }

    @Test
    void documentedOutput() throws Exception {
        SeriesIndex index = new SeriesIndex("kprom_execve_total", List.of("comm", "uid"), 10);
        SeriesTable.Builder b = new SeriesTable.Builder(null, 10, index, 0);
        b.add(b.row(index.id(List.of("bash", "0"))), 0, 42);
        assertThat(ours(b.build(MetricKind.COUNTER, "kprom_execve", "execve() calls."), false))
                .isEqualTo(
                        """
                # HELP kprom_execve_total execve() calls.
                # TYPE kprom_execve_total counter
                kprom_execve_total{comm="bash",uid="0"} 42.0
                """);
    }

    @Test
    void seriesPastTheLimitGetNoRow() {
        SeriesIndex index = new SeriesIndex(null, List.of("a"), 10);
        SeriesTable.Builder b = new SeriesTable.Builder(null, 2, index, 0);
        assertThat(b.row(index.id(List.of("x")))).isEqualTo(0);
        assertThat(b.row(index.id(List.of("y")))).isEqualTo(1);
        assertThat(b.row(index.id(List.of("x")))).isEqualTo(0);
        assertThat(b.row(index.id(List.of("z")))).isEqualTo(-1);
    }

    @Test
    void aFullIndexGivesNoIdToNewSeries() {
        SeriesIndex index = new SeriesIndex(null, List.of("a"), 2);
        assertThat(index.id(List.of("x"))).isEqualTo(0);
        assertThat(index.id(List.of("y"))).isEqualTo(1);
        assertThat(index.id(List.of("z"))).isEqualTo(-1);
        assertThat(index.id(List.of("x"))).isEqualTo(0);
        assertThat(index.full()).isTrue();
    }

    private static String ours(SeriesTable table, boolean openMetrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextExposition text = new TextExposition(out, openMetrics);
        text.write(table);
        text.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String theirs(SeriesTable table, ExpositionFormatWriter writer) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, MetricSnapshots.of(table.snapshot()));
        return out.toString(StandardCharsets.UTF_8);
    }
}
