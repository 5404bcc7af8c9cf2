import com.sun.jna.Memory;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.MapReader;
import dev.kprom.agent.bpf.MapType;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.http.MetricsServer;
import dev.kprom.exporter.layout.LayoutBinder;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.spec.DecoderSpec;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricKind;
import dev.kprom.exporter.spec.MetricSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * kprom's HTTP server with a real BPF hash map of ~10k entries behind one counter, read at every scrape as the
 * daemon reads it: key {u64 id; char comm[16]}, labels id (uint) and comm (string), u64 values. Needs root.
 * For wrk to load. Prints "PORT n", then serves until killed.
 *
 *   java -cp target/kprom.jar bench/java/HttpBench.java [series]
 */
public final class HttpBench {
    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        BpfMap map = BpfMap.create(MapType.HASH, "http_bench", 24, 8, series);
        try (Memory keys = new Memory(24L * series);
                Memory values = new Memory(8L * series)) {
            keys.clear();
            for (int i = 0; i < series; i++) {
                keys.setLong(24L * i, i);
                byte[] comm = ("proc" + (i % 100)).getBytes(StandardCharsets.US_ASCII);
                keys.write(24L * i + 8, comm, 0, comm.length);
                values.setLong(8L * i, i);
            }
            map.updateBatch(keys, values, series);
        }
        MapReader reader = map.reader();
        MetricSpec spec = new MetricSpec(
                "bench_total",
                "bench series",
                null,
                List.of(
                        new LabelSpec("id", 8, List.of(new DecoderSpec("uint"))),
                        new LabelSpec("comm", 16, List.of(new DecoderSpec("string")))),
                null,
                null,
                2 * series,
                null,
                null);
        List<LayoutError> errors = new ArrayList<>();
        MapMetricCollector collector = new MapMetricCollector(
                MetricKind.COUNTER,
                spec,
                LayoutBinder.bind(spec, "bench", reader, errors),
                reader,
                CollectObserver.IGNORE);
        if (!errors.isEmpty()) throw new IllegalStateException(errors.toString());
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        MetricsServer server = MetricsServer.builder(registry)
                .tables(List.of(collector))
                .scrapeDuration(new SimpleMeterRegistry().timer("scrape"))
                .start(new InetSocketAddress("127.0.0.1", 0));
        System.out.println("PORT " + server.address().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
