package dev.kprom.testing;

import dev.kprom.exporter.spec.BucketSpec;
import dev.kprom.exporter.spec.DecoderSpec;
import dev.kprom.exporter.spec.EventStreamSpec;
import dev.kprom.exporter.spec.FieldSpec;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.exporter.spec.SumSpec;
import dev.kprom.exporter.spec.ValueSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Specs for tests, built as the YAML reads: {@code Specs.metric("execve_total").label("uid", 4, "uint")
 * .label("comm", 16, "string").build()}. Whatever a test leaves out is left out of the YAML too (null).
 */
public final class Specs {
    private Specs() {}

    /** A metric named {@code name}, with help "h" unless {@link MetricBuilder#help} says otherwise. */
    public static MetricBuilder metric(String name) {
        return new MetricBuilder(name);
    }

    /** A label found by name in the key's BTF struct (or, alone, the whole scalar key). */
    public static LabelBuilder label(String name) {
        return new LabelBuilder(name);
    }

    /** Decoders by name, without options: {@code decoders("string")}. */
    public static List<DecoderSpec> decoders(String... names) {
        return Arrays.stream(names).map(DecoderSpec::new).toList();
    }

    /** {@code {name: regexp, regexps: [...]}}. */
    public static DecoderSpec regexp(String... regexps) {
        return new DecoderSpec("regexp", null, null, List.of(regexps), null, null, null);
    }

    public static BucketSpec exp2(int min, int max) {
        return new BucketSpec("exp2", min, max, null, null);
    }

    public static BucketSpec fixed(Double... bounds) {
        return new BucketSpec("fixed", null, null, null, List.of(bounds));
    }

    /** {@code value: {field: name}}. */
    public static ValueSpec valueField(String field) {
        return new ValueSpec(field, null, null);
    }

    /** {@code value: {offset: o, size: s}}. */
    public static ValueSpec valueAt(int offset, int size) {
        return new ValueSpec(null, offset, size);
    }

    /** A record field laid out by size. */
    public static FieldSpec field(String name, int size, String... decoders) {
        return new FieldSpec(name, size, null, decoders(decoders));
    }

    /** A record field laid out by size, then {@code padding} bytes skipped. */
    public static FieldSpec field(String name, int size, int padding, String... decoders) {
        return new FieldSpec(name, size, padding, decoders(decoders));
    }

    public static EventStreamBuilder events(String map) {
        return new EventStreamBuilder(map);
    }

    public static final class MetricBuilder {
        private final String name;
        private String help = "h";
        private String map;
        private final List<LabelSpec> labels = new ArrayList<>();
        private ValueSpec value;
        private String perCpu;
        private Integer maxSeries;
        private BucketSpec buckets;
        private SumSpec sum;

        private MetricBuilder(String name) {
            this.name = name;
        }

        public MetricBuilder help(String help) {
            this.help = help;
            return this;
        }

        public MetricBuilder map(String map) {
            this.map = map;
            return this;
        }

        /** A label of {@code size} bytes, laid out after the previous ones, with these decoders. */
        public MetricBuilder label(String name, int size, String... decoders) {
            return label(Specs.label(name).size(size).decoders(decoders));
        }

        public MetricBuilder label(LabelBuilder label) {
            labels.add(label.build());
            return this;
        }

        public MetricBuilder labels(List<LabelSpec> labels) {
            this.labels.addAll(labels);
            return this;
        }

        public MetricBuilder value(ValueSpec value) {
            this.value = value;
            return this;
        }

        public MetricBuilder perCpu(String perCpu) {
            this.perCpu = perCpu;
            return this;
        }

        public MetricBuilder maxSeries(int maxSeries) {
            this.maxSeries = maxSeries;
            return this;
        }

        public MetricBuilder buckets(BucketSpec buckets) {
            this.buckets = buckets;
            return this;
        }

        /** The sum in the bucket slot past max (ebpf_exporter's convention). */
        public MetricBuilder sumPastMax() {
            this.sum = new SumSpec(SumSpec.PAST_MAX, null, null);
            return this;
        }

        /** The sum in a field of the map's struct values. */
        public MetricBuilder sumField(String field) {
            this.sum = new SumSpec(null, field, null);
            return this;
        }

        public MetricSpec build() {
            return new MetricSpec(name, help, map, labels, value, perCpu, maxSeries, buckets, sum);
        }
    }

    public static final class LabelBuilder {
        private final String name;
        private Integer size;
        private Integer padding;
        private String field;
        private final List<DecoderSpec> decoders = new ArrayList<>();

        private LabelBuilder(String name) {
            this.name = name;
        }

        public LabelBuilder size(int size) {
            this.size = size;
            return this;
        }

        public LabelBuilder padding(int padding) {
            this.padding = padding;
            return this;
        }

        /** The key or record field it reads, when not named like the label. */
        public LabelBuilder field(String field) {
            this.field = field;
            return this;
        }

        public LabelBuilder decoders(String... names) {
            decoders.addAll(Specs.decoders(names));
            return this;
        }

        public LabelBuilder decoder(DecoderSpec decoder) {
            decoders.add(decoder);
            return this;
        }

        public LabelSpec build() {
            return new LabelSpec(name, size, padding, field, decoders);
        }
    }

    public static final class EventStreamBuilder {
        private final String map;
        private final List<FieldSpec> fields = new ArrayList<>();
        private final List<MetricSpec> counters = new ArrayList<>();
        private final List<MetricSpec> histograms = new ArrayList<>();
        private Integer seriesIdleSeconds;

        private EventStreamBuilder(String map) {
            this.map = map;
        }

        public EventStreamBuilder field(FieldSpec field) {
            fields.add(field);
            return this;
        }

        public EventStreamBuilder counter(MetricBuilder counter) {
            counters.add(counter.build());
            return this;
        }

        public EventStreamBuilder histogram(MetricBuilder histogram) {
            histograms.add(histogram.build());
            return this;
        }

        public EventStreamBuilder seriesIdleSeconds(int seconds) {
            this.seriesIdleSeconds = seconds;
            return this;
        }

        public EventStreamSpec build() {
            return new EventStreamSpec(map, null, fields, null, null, seriesIdleSeconds, counters, histograms);
        }
    }
}
