import dev.kprom.exporter.http.LandingPage;
import dev.kprom.exporter.http.MetricsServer;
import dev.kprom.exporter.http.Routes;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.StatusSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * kprom's HTTP server with a registry of ~10k series (fresh snapshots at every scrape, like map-backed
 * collectors), for wrk to load. Prints "PORT n", then serves until killed.
 *
 *   java -cp target/kprom.jar bench/java/HttpBench.java [series]
 */
public final class HttpBench {
    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register((MultiCollector) () -> {
            List<CounterDataPointSnapshot> points = new ArrayList<>(series);
            for (int i = 0; i < series; i++) {
                points.add(new CounterDataPointSnapshot(i, Labels.of("comm", "proc" + (i % 100), "id", Integer.toString(i)), null, 0L));
            }
            return MetricSnapshots.of(new CounterSnapshot(new MetricMetadata("kprom_bench", "bench series"), points));
        });
        StatusSource status = new StatusSource() {
            @Override public boolean ready() { return true; }
            @Override public List<ProbeStatus> probes() { return List.of(); }
        };
        MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), new Routes(registry,
                new LandingPage("bench", List.of()), status, new SimpleMeterRegistry().timer("scrape")));
        System.out.println("PORT " + server.address().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
