package dev.kprom.exporter.collect;

import dev.kprom.exporter.MetricNames;
import dev.kprom.exporter.decode.Decoder;
import dev.kprom.exporter.decode.Decoders;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.CounterSpec;
import dev.kprom.exporter.spec.LabelSpec;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A counter read from a map at every scrape: each key is cut into labels and decoded, values are summed over
 * CPUs and over keys that decode to the same label values. For {@code execve_total} it produces:
 * <pre>
 * # HELP kprom_execve_total execve() calls, by user id and the calling process's command name.
 * # TYPE kprom_execve_total counter
 * kprom_execve_total{comm="bash",uid="0"} 42.0
 * </pre>
 */
public final class MapCounterCollector implements MultiCollector {
    private final CounterSpec spec;
    private final MapSource source;
    private final String[] labelNames;
    private final int[] offsets;
    private final int[] sizes;
    private final Decoder[] decoders;

    public MapCounterCollector(CounterSpec spec, MapSource source) {
        if (spec.keySize() != source.keySize()) {
            throw new IllegalArgumentException("counter " + spec.name() + ": labels span " + spec.keySize()
                    + " bytes but map " + source.name() + " has " + source.keySize() + "-byte keys");
        }
        if (source.valueSize() != Long.BYTES) {
            throw new IllegalArgumentException("counter " + spec.name() + ": map " + source.name() + " values are "
                    + source.valueSize() + " bytes, a counter needs a u64 (8 bytes)");
        }
        this.spec = spec;
        this.source = source;
        List<LabelSpec> labels = spec.labels();
        labelNames = labels.stream().map(LabelSpec::name).toArray(String[]::new);
        offsets = new int[labels.size()];
        sizes = new int[labels.size()];
        decoders = new Decoder[labels.size()];
        int offset = 0;
        for (int i = 0; i < labels.size(); i++) {
            offsets[i] = offset;
            sizes[i] = labels.get(i).size();
            decoders[i] = Decoders.chain(labels.get(i).decoders());
            offset += labels.get(i).span();
        }
    }

    @Override
    public MetricSnapshots collect() {
        Map<List<String>, double[]> series = new HashMap<>();
        int cpus = source.cpus();
        int stride = source.cpuStride();
        source.forEach((keys, keyOffset, values, valueOffset) -> {
            List<String> labelValues = decode(keys, keyOffset);
            if (labelValues == null) return;
            double sum = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                sum += unsigned(values.getLong(valueOffset + cpu * stride));
            }
            series.computeIfAbsent(labelValues, k -> new double[1])[0] += sum;
        });
        List<CounterDataPointSnapshot> points = new ArrayList<>(series.size());
        series.forEach((labelValues, value) -> points.add(CounterDataPointSnapshot.builder()
                .labels(Labels.of(Arrays.asList(labelNames), labelValues)).value(value[0]).build()));
        return MetricSnapshots.of(new CounterSnapshot(new MetricMetadata(MetricNames.counterBase(spec.name()), spec.help()), points));
    }

    private List<String> decode(ByteBuffer keys, int keyOffset) {
        String[] out = new String[labelNames.length];
        for (int i = 0; i < out.length; i++) {
            byte[] raw = new byte[sizes[i]];
            keys.get(keyOffset + offsets[i], raw);
            byte[] decoded = decoders[i].decode(raw);
            if (decoded == null) return null;
            out[i] = new String(decoded, StandardCharsets.UTF_8);
        }
        return Arrays.asList(out);
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(MetricNames.counterBase(spec.name()));
    }
}
