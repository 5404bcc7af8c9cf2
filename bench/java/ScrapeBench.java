import com.sun.jna.Memory;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.MapReader;
import dev.kprom.agent.bpf.MapType;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.exposition.TextExposition;
import dev.kprom.exporter.layout.LayoutBinder;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.spec.DecoderSpec;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricKind;
import dev.kprom.exporter.spec.MetricSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One scrape of a 100k-series counter: full map read, label decoding, and rendering to the text format as
 * /metrics does it, on the same map as ../shared/baselines/map_read (HASH, u64 key and value, max_entries 1M, keys 1..N).
 * The key is one label decoded with uint. Prints RESULT lines (median of reps, after warm-up scrapes).
 *
 *   java -cp target/kprom.jar bench/java/ScrapeBench.java [reps]
 */
public final class ScrapeBench {
    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int n = 100_000;
        try (BpfMap map = BpfMap.create(MapType.HASH, "scrape", 8, 8, 1_000_000);
                Memory keys = new Memory(8L * n);
                Memory values = new Memory(8L * n)) {
            for (int i = 0; i < n; i++) {
                keys.setLong(8L * i, i + 1);
                values.setLong(8L * i, i);
            }
            map.updateBatch(keys, values, n);
            MapReader reader = map.reader();
            MetricSpec spec = new MetricSpec(
                    "bench_total",
                    "bench",
                    null,
                    List.of(new LabelSpec("id", 8, List.of(new DecoderSpec("uint")))),
                    null,
                    null,
                    200_000,
                    null,
                    null);
            List<LayoutError> errors = new ArrayList<>();
            MapMetricCollector collector = new MapMetricCollector(
                    MetricKind.COUNTER,
                    spec,
                    LayoutBinder.bind(spec, "bench", reader, errors),
                    reader,
                    CollectObserver.IGNORE);
            ByteArrayOutputStream out = new ByteArrayOutputStream(8 << 20);
            for (int w = 0; w < 5; w++) {
                out.reset();
                render(collector, out);
            }
            double[] total = new double[reps];
            double[] read = new double[reps];
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                long got = reader.forEach((k, ko, v, vo) -> {});
                read[r] = System.nanoTime() - t0;
                if (got != n) throw new IllegalStateException("read " + got);
                out.reset();
                t0 = System.nanoTime();
                render(collector, out);
                total[r] = System.nanoTime() - t0;
            }
            long lines = out.toString()
                    .lines()
                    .filter(l -> l.startsWith("kprom_bench_total{"))
                    .count();
            if (lines != n) throw new IllegalStateException("rendered " + lines + " series");
            report("kprom_read_only", n, reps, read);
            report("kprom_scrape", n, reps, total);
            System.out.printf("RESULT tool=kprom n=%d method=scrape_bytes bytes=%d%n", n, out.size());
        }
    }

    /** What /metrics does for a map metric in the text format: read, decode, and write it. */
    private static void render(MapMetricCollector collector, ByteArrayOutputStream out) throws IOException {
        TextExposition text = new TextExposition(out, false);
        text.write(collector.table());
        text.flush();
    }

    private static void report(String method, int n, int reps, double[] t) {
        Arrays.sort(t);
        double med = reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
        System.out.printf(
                "RESULT tool=kprom map=hash max=1000000 n=%d method=%s reps=%d us_per_read=%.1f ns_per_entry=%.1f%n",
                n, method, reps, med / 1e3, med / n);
    }
}
