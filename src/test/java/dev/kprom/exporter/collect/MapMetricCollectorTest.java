package dev.kprom.exporter.collect;

import static dev.kprom.testing.Specs.exp2;
import static dev.kprom.testing.Specs.label;
import static dev.kprom.testing.Specs.metric;
import static dev.kprom.testing.Specs.regexp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.layout.LayoutBinder;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.layout.MetricLayout;
import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.BucketSpec;
import dev.kprom.exporter.spec.MetricKind;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.testing.FakeMap;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MapMetricCollectorTest {
    private static final MetricSpec EXECVE = metric("execve_total")
            .help("execve() calls.")
            .label("uid", 4, "uint")
            .label("comm", 16, "string")
            .build();

    private static MapMetricCollector collector(MetricKind kind, MetricSpec spec, MapSource map) {
        List<LayoutError> errors = new ArrayList<>();
        MetricLayout layout = LayoutBinder.bind(spec, "m", map, errors);
        assertThat(errors).isEmpty();
        return new MapMetricCollector(kind, spec, layout, map, CollectObserver.IGNORE);
    }

    private static String text(MetricSnapshots snapshots) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, snapshots);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sumsCpusAndKeysThatDecodeAlike() throws Exception {
        FakeMap map = FakeMap.execve(2)
                .put(0, "bash", 3, 4)
                .put(1000, "make", 0, 1)
                .put(0, "bash\0stale-tail", 10, 0); // same labels after decoding: summed
        assertThat(text(collector(MetricKind.COUNTER, EXECVE, map).collect()))
                .isEqualTo(
                        """
                # HELP kprom_execve_total execve() calls.
                # TYPE kprom_execve_total counter
                kprom_execve_total{comm="bash",uid="0"} 17.0
                kprom_execve_total{comm="make",uid="1000"} 1.0
                """);
    }

    @Test
    void countsAboveLongMaxStayUnsigned() throws Exception {
        FakeMap map = FakeMap.execve(1).put(0, "x", -1L); // 2^64 - 1
        assertThat(text(collector(MetricKind.COUNTER, EXECVE, map).collect()))
                .contains("kprom_execve_total{comm=\"x\",uid=\"0\"} 1.8446744073709552E19");
    }

    @Test
    void seriesPastMaxSeriesAreDroppedAndReported() throws Exception {
        FakeMap map = FakeMap.execve(1);
        for (int uid = 0; uid < 10; uid++) map.put(uid, "x", 1);
        MetricSpec limited =
                metric("execve_total").labels(EXECVE.labels()).maxSeries(4).build();
        long[] dropped = {0};
        List<LayoutError> errors = new ArrayList<>();
        MapMetricCollector c = new MapMetricCollector(
                MetricKind.COUNTER, limited, LayoutBinder.bind(limited, "m", map, errors), map, new CollectObserver() {
                    @Override
                    public void dropped(String metric, long n) {
                        assertThat(metric).isEqualTo("kprom_execve");
                        dropped[0] += n;
                    }
                });
        assertThat(text(c.collect()).lines().filter(l -> l.startsWith("kprom_execve_total{")))
                .hasSize(4);
        assertThat(dropped[0]).isEqualTo(6);
    }

    @Test
    void histogramBucketsFromTheLastKeyFieldAreCumulative() throws Exception {
        // {char comm[16]; u32 slot} -> u64, as a BPF program with exp2 slots writes it
        FakeMap map = new FakeMap("latency", 20, 2)
                .put(FakeMap.key().string("bash", 16).u32(0), 1, 0)
                .put(FakeMap.key().string("bash", 16).u32(1), 1, 1)
                .put(FakeMap.key().string("bash", 16).u32(3), 0, 4)
                .put(FakeMap.key().string("bash", 16).u32(9), 8, 0) // past max: counted in +Inf only
                .put(FakeMap.key().string("make", 16).u32(2), 5, 0);
        MetricSpec spec = metric("latency_seconds")
                .label("comm", 16, "string")
                .label(label("slot").size(4))
                .buckets(exp2(0, 3))
                .build();
        assertThat(text(collector(MetricKind.HISTOGRAM, spec, map).collect()))
                .isEqualTo(
                        """
                # HELP kprom_latency_seconds h
                # TYPE kprom_latency_seconds histogram
                kprom_latency_seconds_bucket{comm="bash",le="1.0"} 1
                kprom_latency_seconds_bucket{comm="bash",le="2.0"} 3
                kprom_latency_seconds_bucket{comm="bash",le="4.0"} 3
                kprom_latency_seconds_bucket{comm="bash",le="8.0"} 7
                kprom_latency_seconds_bucket{comm="bash",le="+Inf"} 15
                kprom_latency_seconds_count{comm="bash"} 15
                kprom_latency_seconds_bucket{comm="make",le="1.0"} 0
                kprom_latency_seconds_bucket{comm="make",le="2.0"} 0
                kprom_latency_seconds_bucket{comm="make",le="4.0"} 5
                kprom_latency_seconds_bucket{comm="make",le="8.0"} 5
                kprom_latency_seconds_bucket{comm="make",le="+Inf"} 5
                kprom_latency_seconds_count{comm="make"} 5
                """);
    }

    @Test
    void aSumInTheSlotPastMaxIsTheSumNotABucket() throws Exception {
        // ebpf_exporter's convention: bucket max + 1 holds the running sum of the observed values (here in ns)
        FakeMap map = new FakeMap("latency", 20, 2)
                .put(FakeMap.key().string("bash", 16).u32(0), 1, 0)
                .put(FakeMap.key().string("bash", 16).u32(2), 1, 2)
                .put(FakeMap.key().string("bash", 16).u32(4), 9_000, 3_500) // the sum slot: 12,500 ns
                .put(FakeMap.key().string("bash", 16).u32(5), 1, 0); // beyond it: +Inf only
        MetricSpec spec = metric("latency_seconds")
                .label("comm", 16, "string")
                .label(label("slot").size(4))
                .buckets(new BucketSpec("exp2", 0, 3, 0.000000001, null))
                .sumPastMax()
                .build();
        String text = text(collector(MetricKind.HISTOGRAM, spec, map).collect());
        assertThat(text)
                .contains(
                        "kprom_latency_seconds_bucket{comm=\"bash\",le=\"8.0E-9\"} 4\n",
                        "kprom_latency_seconds_bucket{comm=\"bash\",le=\"+Inf\"} 5\n",
                        "kprom_latency_seconds_count{comm=\"bash\"} 5\n",
                        "kprom_latency_seconds_sum{comm=\"bash\"} 1.25E-5\n");
    }

    @Test
    void gaugesAndPerCpuSplit() throws Exception {
        FakeMap map = FakeMap.execve(2).put(0, "a", 3, 4);
        MetricSpec split =
                metric("running").labels(EXECVE.labels()).perCpu("split").build();
        assertThat(text(collector(MetricKind.GAUGE, split, map).collect()))
                .isEqualTo(
                        """
                # HELP kprom_running h
                # TYPE kprom_running gauge
                kprom_running{comm="a",cpu="0",uid="0"} 3.0
                kprom_running{comm="a",cpu="1",uid="0"} 4.0
                """);
    }

    @Test
    void everyScrapeReadsValuesAfreshAndKeysThatCameOrWent() throws Exception {
        FakeMap map = FakeMap.execve(1).put(0, "bash", 1).put(1000, "make", 2).put(33, "sshd", 3);
        MapMetricCollector c = collector(MetricKind.COUNTER, EXECVE, map);
        assertThat(text(c.collect())).contains("{comm=\"make\",uid=\"1000\"} 2.0");
        map.set(0, 5).remove(1).put(7, "cron", 9); // sshd moves to make's place: found by the table, not the order
        assertThat(text(c.collect()))
                .isEqualTo(
                        """
                # HELP kprom_execve_total execve() calls.
                # TYPE kprom_execve_total counter
                kprom_execve_total{comm="bash",uid="0"} 5.0
                kprom_execve_total{comm="cron",uid="7"} 9.0
                kprom_execve_total{comm="sshd",uid="33"} 3.0
                """);
        map.set(0, 6);
        assertThat(text(c.collect())).contains("{comm=\"bash\",uid=\"0\"} 6.0");
        assertThat(map.reads.get()).isEqualTo(3); // one read per scrape, even back to back
    }

    @Test
    void filteredAndUndecodableKeysStaySoAcrossScrapes() throws Exception {
        MetricSpec spec = metric("execve_total")
                .label("uid", 4, "uint")
                .label(label("comm").size(16).decoders("string").decoder(regexp("^(bash|make)$")))
                .build();
        FakeMap map = FakeMap.execve(1).put(0, "bash", 1).put(0, "vim", 2).put(0, "make", 3);
        MapMetricCollector c = collector(MetricKind.COUNTER, spec, map);
        for (int scrape = 0; scrape < 3; scrape++) {
            map.set(0, scrape + 1L);
            assertThat(text(c.collect()).lines().filter(l -> l.startsWith("kprom_")))
                    .containsExactly(
                            "kprom_execve_total{comm=\"bash\",uid=\"0\"} " + (scrape + 1) + ".0",
                            "kprom_execve_total{comm=\"make\",uid=\"0\"} 3.0");
        }
    }

    /** A map whose reads wait until {@code gate} opens; {@code entered} counts the reads begun. */
    private static final class GatedMap extends FakeMap {
        private final CountDownLatch gate;
        private final AtomicInteger entered = new AtomicInteger();

        GatedMap(CountDownLatch gate) {
            super("execve_total", 20, 1);
            this.gate = gate;
            put(0, "slow", 1);
        }

        @Override
        public long forEach(EntryVisitor v) {
            entered.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.forEach(v);
        }
    }

    private static GatedMap gated(CountDownLatch gate) {
        return new GatedMap(gate);
    }

    private static int entered(FakeMap map) {
        return ((GatedMap) map).entered.get();
    }

    @Test
    void aMapSlowerThanTheScrapeTimeoutIsLeftOutAndReported() {
        List<String> timedOut = new ArrayList<>();
        CountDownLatch gate = new CountDownLatch(1);
        FakeMap map = gated(gate);
        List<LayoutError> errors = new ArrayList<>();
        MapMetricCollector c = new MapMetricCollector(
                MetricKind.COUNTER, EXECVE, LayoutBinder.bind(EXECVE, "m", map, errors), map, new CollectObserver() {
                    @Override
                    public void timedOut(String metric) {
                        timedOut.add(metric);
                    }
                });
        for (int scrape = 0; scrape < 2; scrape++) {
            ScrapeDeadline.start("0.25"); // Prometheus' header: 80% of it is the read budget
            try {
                assertThat(c.collect().size()).isZero(); // returned while the read is still held at the gate
            } finally {
                ScrapeDeadline.end();
            }
        }
        // the second scrape did not start a read of its own: it waited for the one still held
        assertThat(timedOut).containsExactly("kprom_execve", "kprom_execve");
        assertThat(entered(map)).isEqualTo(1);
        gate.countDown();
        assertThat(c.collect().size()).isEqualTo(1);
    }

    @Test
    void concurrentScrapesShareOneRead() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        FakeMap map = gated(gate);
        MapMetricCollector c = collector(MetricKind.COUNTER, EXECVE, map);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> scrapes = new ArrayList<>();
            for (int i = 0; i < 3; i++) scrapes.add(pool.submit(() -> text(c.collect())));
            Thread.sleep(200); // let all three reach the read before it can finish
            gate.countDown();
            for (Future<String> f : scrapes)
                assertThat(f.get(5, TimeUnit.SECONDS)).contains("kprom_execve_total{comm=\"slow\",uid=\"0\"} 1.0");
        } finally {
            pool.shutdownNow();
        }
        assertThat(map.reads.get()).isEqualTo(1);
    }

    @Test
    void scrapeDeadlinesComeFromTheHeader() {
        ScrapeDeadline.start("10");
        assertThat(ScrapeDeadline.remainingNanos()).isBetween(7_000_000_000L, 8_000_000_000L);
        // no header, or a useless one: Prometheus' default scrape timeout, 10 s, so that no scrape waits forever
        ScrapeDeadline.start("nonsense");
        assertThat(ScrapeDeadline.remainingNanos()).isBetween(7_000_000_000L, 8_000_000_000L);
        ScrapeDeadline.start(null);
        assertThat(ScrapeDeadline.remainingNanos()).isBetween(7_000_000_000L, 8_000_000_000L);
        ScrapeDeadline.end();
        assertThat(ScrapeDeadline.remainingNanos()).isEqualTo(Long.MAX_VALUE);
    }
}
