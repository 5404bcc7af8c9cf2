package dev.kprom.exporter.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.exporter.layout.LayoutBinder;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.layout.MetricLayout;
import java.util.ArrayList;
import dev.kprom.exporter.spec.DecoderSpec;
import dev.kprom.exporter.spec.LabelSpec;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapMetricCollectorTest {
    /** An in-memory map of {u32 uid; char comm[16]} to per-CPU u64s. */
    private static class FakeMap implements MapSource {
        final ByteBuffer keys = ByteBuffer.allocate(64 * 20).order(ByteOrder.nativeOrder());
        final ByteBuffer values;
        final int cpus;
        int n;

        FakeMap(int cpus) {
            this.cpus = cpus;
            values = ByteBuffer.allocate(64 * 8 * cpus).order(ByteOrder.nativeOrder());
        }

        FakeMap put(int uid, String comm, long... perCpu) {
            keys.putInt(n * 20, uid);
            byte[] c = comm.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 16; i++) keys.put(n * 20 + 4 + i, i < c.length ? c[i] : 0);
            for (int cpu = 0; cpu < cpus; cpu++) values.putLong((n * cpus + cpu) * 8, perCpu[cpu]);
            n++;
            return this;
        }

        @Override public String name() { return "execve_total"; }
        @Override public int keySize() { return 20; }
        @Override public int valueSize() { return 8; }
        @Override public int cpus() { return cpus; }
        @Override public int cpuStride() { return 8; }

        @Override
        public long forEach(EntryVisitor v) {
            for (int i = 0; i < n; i++) v.visit(keys, i * 20, values, i * 8 * cpus);
            return n;
        }
    }

    private static final MetricSpec EXECVE = new MetricSpec("execve_total", "execve() calls.", List.of(
            new LabelSpec("uid", 4, List.of(new DecoderSpec("uint"))),
            new LabelSpec("comm", 16, List.of(new DecoderSpec("string")))));

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
        FakeMap map = new FakeMap(2)
                .put(0, "bash", 3, 4)
                .put(1000, "make", 0, 1)
                .put(0, "bash\0stale-tail", 10, 0); // same labels after decoding: summed
        assertThat(text(collector(MetricKind.COUNTER, EXECVE, map).collect())).isEqualTo("""
                # HELP kprom_execve_total execve() calls.
                # TYPE kprom_execve_total counter
                kprom_execve_total{comm="bash",uid="0"} 17.0
                kprom_execve_total{comm="make",uid="1000"} 1.0
                """);
    }

    @Test
    void countsAboveLongMaxStayUnsigned() throws Exception {
        FakeMap map = new FakeMap(1).put(0, "x", -1L); // 2^64 - 1
        assertThat(text(collector(MetricKind.COUNTER, EXECVE, map).collect())).contains("kprom_execve_total{comm=\"x\",uid=\"0\"} 1.8446744073709552E19");
    }


    @Test
    void seriesPastMaxSeriesAreDroppedAndReported() throws Exception {
        FakeMap map = new FakeMap(1);
        for (int uid = 0; uid < 10; uid++) map.put(uid, "x", 1);
        MetricSpec limited = new MetricSpec("execve_total", "h", null, EXECVE.labels(), null, null, 4, null);
        long[] dropped = {0};
        List<LayoutError> errors = new ArrayList<>();
        MapMetricCollector c = new MapMetricCollector(MetricKind.COUNTER, limited, LayoutBinder.bind(limited, "m", map, errors), map,
                new CollectObserver() {
                    @Override
                    public void dropped(String metric, long n) {
                        assertThat(metric).isEqualTo("kprom_execve");
                        dropped[0] += n;
                    }
                });
        assertThat(text(c.collect()).lines().filter(l -> l.startsWith("kprom_execve_total{"))).hasSize(4);
        assertThat(dropped[0]).isEqualTo(6);
    }

    @Test
    void gaugesAndPerCpuSplit() throws Exception {
        FakeMap map = new FakeMap(2).put(0, "a", 3, 4);
        MetricSpec split = new MetricSpec("running", "h", null, EXECVE.labels(), null, "split", null, null);
        assertThat(text(collector(MetricKind.GAUGE, split, map).collect())).isEqualTo("""
                # HELP kprom_running h
                # TYPE kprom_running gauge
                kprom_running{comm="a",cpu="0",uid="0"} 3.0
                kprom_running{comm="a",cpu="1",uid="0"} 4.0
                """);
    }

    /** A map whose reads take {@code millis} and are counted. */
    private static FakeMap slow(long millis, java.util.concurrent.atomic.AtomicInteger reads) {
        return new FakeMap(1) {
            @Override
            public long forEach(dev.kprom.exporter.source.EntryVisitor v) {
                reads.incrementAndGet();
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.forEach(v);
            }
        }.put(0, "slow", 1);
    }

    @Test
    void aMapSlowerThanTheScrapeTimeoutIsLeftOutAndReported() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        List<String> timedOut = new ArrayList<>();
        FakeMap map = slow(1500, reads);
        List<LayoutError> errors = new ArrayList<>();
        MapMetricCollector c = new MapMetricCollector(MetricKind.COUNTER, EXECVE, LayoutBinder.bind(EXECVE, "m", map, errors), map,
                new CollectObserver() {
                    @Override
                    public void timedOut(String metric) {
                        timedOut.add(metric);
                    }
                });
        ScrapeDeadline.start("0.25"); // Prometheus' header: 80% of it is the read budget
        long t0 = System.nanoTime();
        try {
            assertThat(c.collect().size()).isZero();
        } finally {
            ScrapeDeadline.end();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(150L, 1000L);
        assertThat(timedOut).containsExactly("kprom_execve");
        // the next scrape does not start a second read: it waits for the one still running
        assertThat(c.collect().size()).isEqualTo(1);
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void concurrentScrapesShareOneRead() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        FakeMap map = slow(400, reads);
        MapMetricCollector c = collector(MetricKind.COUNTER, EXECVE, map);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<String>> scrapes = new ArrayList<>();
            for (int i = 0; i < 3; i++) scrapes.add(pool.submit(() -> text(c.collect())));
            for (var f : scrapes) assertThat(f.get(5, java.util.concurrent.TimeUnit.SECONDS)).contains("kprom_execve_total{comm=\"slow\",uid=\"0\"} 1.0");
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void scrapeDeadlinesComeFromTheHeader() {
        ScrapeDeadline.start("10");
        assertThat(ScrapeDeadline.remainingNanos()).isBetween(7_000_000_000L, 8_000_000_000L);
        ScrapeDeadline.start("nonsense");
        assertThat(ScrapeDeadline.remainingNanos()).isEqualTo(Long.MAX_VALUE);
        ScrapeDeadline.start(null);
        assertThat(ScrapeDeadline.remainingNanos()).isEqualTo(Long.MAX_VALUE);
        ScrapeDeadline.end();
    }
}
