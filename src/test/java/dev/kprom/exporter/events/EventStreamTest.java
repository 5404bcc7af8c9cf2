package dev.kprom.exporter.events;

import static dev.kprom.testing.Specs.events;
import static dev.kprom.testing.Specs.exp2;
import static dev.kprom.testing.Specs.field;
import static dev.kprom.testing.Specs.fixed;
import static dev.kprom.testing.Specs.label;
import static dev.kprom.testing.Specs.metric;
import static dev.kprom.testing.Specs.valueField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.spec.BucketSpec;
import dev.kprom.exporter.spec.EventStreamSpec;
import dev.kprom.testing.Specs.MetricBuilder;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Records to metrics without a kernel: explicit layouts, counts, histograms, limits and short records. */
class EventStreamTest {
    private final List<String> dropped = new ArrayList<>();
    private final CollectObserver observer = new CollectObserver() {
        @Override
        public void dropped(String metric, long count) {
            dropped.add(metric + "=" + count);
        }
    };

    /** Records of {u32 port; u32 pad; u64 latency_ns}. */
    private static EventStreamSpec spec(Integer maxSeries) {
        MetricBuilder requests = metric("requests_total").label(label("port"));
        if (maxSeries != null) requests.maxSeries(maxSeries);
        return events("events")
                .field(field("port", 4, 4, "uint"))
                .field(field("latency_ns", 8))
                .counter(requests)
                .histogram(metric("latency_seconds")
                        .value(valueField("latency_ns"))
                        .buckets(exp2(0, 4)))
                .build();
    }

    private static void send(EventStream stream, int ring, int port, long latency) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()); // 4 bytes of perf padding at the end
        b.putInt(0, port).putLong(8, latency);
        stream.record(ring, b, 0, 20);
    }

    private static String render(EventStream stream) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> all = new ArrayList<>();
        stream.collectors().forEach(c -> c.collect().forEach(all::add));
        new PrometheusTextFormatWriter(false).write(out, new MetricSnapshots(all));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countsRecordsPerLabelAcrossRingsAndBucketsAField() throws Exception {
        List<LayoutError> errors = new ArrayList<>();
        EventStream stream = EventStreamBinder.bind(spec(null), "events[0]", Optional.empty(), 2, observer, errors);
        assertThat(errors).isEmpty();
        send(stream, 0, 80, 1);
        send(stream, 1, 80, 3);
        send(stream, 1, 443, 16);
        send(stream, 0, 443, 1000);
        String text = render(stream);
        assertThat(text)
                .contains(
                        "kprom_requests_total{port=\"80\"} 2.0\n",
                        "kprom_requests_total{port=\"443\"} 2.0\n",
                        "kprom_latency_seconds_bucket{le=\"1.0\"} 1\n",
                        "kprom_latency_seconds_bucket{le=\"4.0\"} 2\n",
                        "kprom_latency_seconds_bucket{le=\"16.0\"} 3\n",
                        "kprom_latency_seconds_bucket{le=\"+Inf\"} 4\n",
                        "kprom_latency_seconds_count 4\n",
                        "kprom_latency_seconds_sum 1020.0\n"); // 1 + 3 + 16 + 1000, across both rings
        assertThat(stream.decodeErrors()).isZero();
    }

    @Test
    void aRecordTooShortForTheLayoutIsCountedNotCounted() throws Exception {
        EventStream stream =
                EventStreamBinder.bind(spec(null), "events[0]", Optional.empty(), 1, observer, new ArrayList<>());
        stream.record(0, ByteBuffer.allocate(12), 0, 12);
        assertThat(stream.decodeErrors()).isEqualTo(1);
        assertThat(render(stream)).doesNotContain("kprom_requests_total{");
    }

    @Test
    void theSeriesLimitBindsTheMetricNotEachRing() throws Exception {
        EventStream stream =
                EventStreamBinder.bind(spec(2), "events[0]", Optional.empty(), 4, observer, new ArrayList<>());
        for (int ring = 0; ring < 4; ring++) send(stream, ring, 10 + ring, 1); // a new key on each of 4 CPUs
        String text = render(stream);
        assertThat(text.lines().filter(l -> l.startsWith("kprom_requests_total{")))
                .hasSize(2);
        assertThat(dropped).containsExactly("requests_total=2");
    }

    @Test
    void keysPastTheSeriesLimitAreDroppedAndReported() throws Exception {
        EventStream stream =
                EventStreamBinder.bind(spec(2), "events[0]", Optional.empty(), 1, observer, new ArrayList<>());
        for (int port = 1; port <= 5; port++) send(stream, 0, port, 1);
        send(stream, 0, 1, 1);
        String text = render(stream);
        assertThat(text)
                .contains("kprom_requests_total{port=\"1\"} 2.0\n", "kprom_requests_total{port=\"2\"} 1.0\n")
                .doesNotContain("port=\"3\"");
        assertThat(dropped).containsExactly("requests_total=3");
        render(stream);
        assertThat(dropped).containsExactly("requests_total=3"); // reported once, not at every scrape
    }

    /** Records on ring 0 in one drain pass, as a drain thread would hand them over. */
    private static void pass(EventStream stream, int... ports) {
        stream.draining(0);
        for (int port : ports) send(stream, 0, port, port == 443 ? 1000 : 1);
    }

    @Test
    void seriesIdleLongerThanTheTimeoutAreDroppedAtAScrapeAndFreeTheirPlaceUnderTheLimit() throws Exception {
        EventStreamSpec spec = events("events")
                .field(field("port", 4, 4, "uint"))
                .field(field("latency_ns", 8))
                .counter(metric("requests_total").label(label("port")).maxSeries(2))
                .histogram(metric("latency_seconds")
                        .label(label("port"))
                        .value(valueField("latency_ns"))
                        .buckets(exp2(0, 12)))
                .seriesIdleSeconds(1)
                .build();
        EventStream stream =
                EventStreamBinder.bind(spec, "events[0]", Optional.empty(), 1, observer, new ArrayList<>());
        pass(stream, 80, 443, 443);
        pass(stream, 8080); // past the limit of 2
        assertThat(render(stream))
                .contains("kprom_requests_total{port=\"80\"} 1.0\n")
                .doesNotContain("kprom_requests_total{port=\"8080\"}");

        // port 443 keeps coming, each record into a bucket that was idle the longest; port 80 goes quiet
        long start = System.nanoTime();
        long t = 0;
        for (int i = 0; t < 1_400_000_000L; i++, t = System.nanoTime() - start) {
            stream.draining(0);
            send(stream, 0, 443, i % 2 == 0 ? 1 : 1000); // alternating buckets: each stays idle 100 ms at a time
            Thread.sleep(50);
            if (t < 900_000_000L) { // before the timeout nothing goes, whatever the scrapes
                assertThat(render(stream)).contains("kprom_requests_total{port=\"80\"} 1.0\n");
            }
        }
        String text = render(stream);
        assertThat(text).doesNotContain("port=\"80\"");
        // 443's histogram keeps all its buckets, consistent: count = sum of the buckets it has seen
        long count = (long) Double.parseDouble(text.lines()
                .filter(l -> l.startsWith("kprom_latency_seconds_count{port=\"443\"}"))
                .findFirst()
                .orElseThrow()
                .split(" ")[1]);
        assertThat(text).contains("kprom_latency_seconds_bucket{port=\"443\",le=\"+Inf\"} " + count + "\n");
        assertThat(count).isGreaterThan(20);

        pass(stream, 8080); // 80's place under the limit is free now
        assertThat(render(stream)).contains("kprom_requests_total{port=\"8080\"} 1.0\n");
        pass(stream, 80); // and 80 starts again from zero (in the histogram: the counter is at its limit again)
        assertThat(render(stream)).contains("kprom_latency_seconds_count{port=\"80\"} 1\n");
    }

    @Test
    void aSeriesIdleTimeoutOfZeroKeepsSeriesForEver() {
        assertThat(events("e").seriesIdleSeconds(0).build().seriesIdle()).isNull();
        assertThat(events("e").build().seriesIdle()).hasHours(1);
    }

    @Test
    void labelsMustNameRecordFieldsThatHaveDecoders() {
        EventStreamSpec bad = events("events")
                .field(field("port", 4))
                .counter(metric("requests_total")
                        .label(label("port"))
                        .label(label("host").decoders("uint")))
                .build();
        List<LayoutError> errors = new ArrayList<>();
        assertThat(EventStreamBinder.bind(bad, "events[0]", Optional.empty(), 1, observer, errors))
                .isNull();
        assertThat(errors)
                .extracting(LayoutError::path, LayoutError::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "events[0].counters[0].labels[0].decoders",
                                "at least one decoder is required (here or in the stream's fields)"),
                        org.assertj.core.groups.Tuple.tuple(
                                "events[0].counters[0].labels[1].name",
                                "the record has no field \"host\" (fields: port)"));
    }

    @Test
    void bucketIndexesMatchWhatABpfProgramWouldCompute() {
        BucketSpec exp2 = exp2(0, 64);
        assertThat(List.of(0L, 1L, 2L, 3L, 4L, 5L, 1024L, 1025L, -1L).stream()
                        .map(exp2::indexOf)
                        .toList())
                .containsExactly(0L, 0L, 1L, 2L, 2L, 3L, 10L, 11L, 64L);
        BucketSpec zero = new BucketSpec("exp2_zero", 0, 64, null, null);
        assertThat(List.of(0L, 1L, 2L, 3L, 4L).stream().map(zero::indexOf).toList())
                .containsExactly(0L, 1L, 2L, 3L, 3L);
        BucketSpec fixed = fixed(10.0, 100.0);
        assertThat(List.of(5L, 10L, 11L, 1000L).stream().map(fixed::indexOf).toList())
                .containsExactly(0L, 0L, 1L, 2L);
    }

    @Test
    void aCounterWithoutLabelsCountsEveryRecord() throws Exception {
        EventStream stream = EventStreamBinder.bind(
                events("events")
                        .field(field("port", 4, "uint"))
                        .counter(metric("records_total"))
                        .build(),
                "events[0]",
                Optional.empty(),
                2,
                observer,
                new ArrayList<>());
        for (int i = 0; i < 5; i++) send(stream, i % 2, 80, 0);
        assertThat(render(stream)).contains("kprom_records_total 5.0");
    }
}
