package dev.kprom.exporter.layout;

import static dev.kprom.testing.Specs.label;
import static dev.kprom.testing.Specs.metric;
import static dev.kprom.testing.Specs.valueAt;
import static dev.kprom.testing.Specs.valueField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.source.EntryVisitor;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.testing.Specs.MetricBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LayoutBinderTest {
    private record Shape(int keySize, int valueSize, List<Field> key, List<Field> value) implements MapSource {
        @Override
        public String name() {
            return "m";
        }

        @Override
        public int cpus() {
            return 1;
        }

        @Override
        public int cpuStride() {
            return valueSize;
        }

        @Override
        public Optional<List<Field>> keyFields() {
            return Optional.ofNullable(key);
        }

        @Override
        public Optional<List<Field>> valueFields() {
            return Optional.ofNullable(value);
        }

        @Override
        public long forEach(EntryVisitor v) {
            return 0;
        }
    }

    private static final Shape STRUCTS = new Shape(
            16,
            24,
            List.of(new Field("kind", 0, 1), new Field("tid", 4, 4), new Field("tag", 8, 8)),
            List.of(new Field("calls", 0, 8), new Field("len", 8, 4), new Field("blob", 12, 12)));

    /** {@code x_total} read from map m. */
    private static MetricBuilder x() {
        return metric("x_total").map("m");
    }

    private static List<LayoutError> errors(MetricSpec spec, MapSource map) {
        List<LayoutError> errors = new ArrayList<>();
        LayoutBinder.bind(spec, "metrics.counters[0]", map, errors);
        return errors;
    }

    @Test
    void btfLabelsTakeOffsetsAndSizesFromTheStructInAnyOrder() {
        List<LayoutError> errors = new ArrayList<>();
        MetricLayout l = LayoutBinder.bind(
                x().label(label("tag").decoders("uint"))
                        .label(label("thread").field("tid").decoders("uint"))
                        .value(valueField("len"))
                        .build(),
                "m",
                STRUCTS,
                errors);
        assertThat(errors).isEmpty();
        assertThat(l.labels()).containsExactly(new Field("tag", 8, 8), new Field("thread", 4, 4));
        assertThat(l.value()).isEqualTo(new Field("len", 8, 4));
    }

    @Test
    void explicitLabelsAreBackToBackWithPadding() {
        List<LayoutError> errors = new ArrayList<>();
        MetricLayout l = LayoutBinder.bind(
                x().label(label("kind").size(1).padding(3).decoders("uint"))
                        .label("tid", 4, "uint")
                        .label("tag", 8, "uint")
                        .value(valueAt(0, 8))
                        .build(),
                "m",
                STRUCTS,
                errors);
        assertThat(errors).isEmpty();
        assertThat(l.labels()).containsExactly(new Field("kind", 0, 1), new Field("tid", 4, 4), new Field("tag", 8, 8));
    }

    @Test
    void everyMismatchIsReportedAtItsPath() {
        assertThat(errors(
                        x().label(label("nope").decoders("uint"))
                                .label("tid", 8, "uint")
                                .value(valueField("blob"))
                                .build(),
                        STRUCTS))
                .containsExactly(
                        new LayoutError(
                                "metrics.counters[0].labels[0].name",
                                "map m key has no field \"nope\" (fields: kind, tid, tag)"),
                        new LayoutError(
                                "metrics.counters[0].labels[1].size", "field \"tid\" of map m is 4 bytes (got 8)"),
                        new LayoutError(
                                "metrics.counters[0].value",
                                "a value must be an unsigned integer of 1, 2, 4 or 8 bytes (got 12 bytes)"));
        assertThat(errors(x().build(), STRUCTS))
                .containsExactly(
                        new LayoutError("metrics.counters[0].labels", "labels span 0 bytes but map m has 16-byte keys"),
                        new LayoutError(
                                "metrics.counters[0]",
                                "map m values are 24 bytes: pick a part with value.field (fields: calls, len, blob) or value.offset and value.size"));
        assertThat(errors(x().label("a", 16, "uint").value(valueAt(20, 8)).build(), STRUCTS))
                .containsExactly(new LayoutError(
                        "metrics.counters[0].value", "bytes 20..27 lie outside map m's 24-byte values"));
    }

    @Test
    void withoutBtfSizesAreRequiredExceptForASingleScalarLabel() {
        Shape scalar = new Shape(4, 8, null, null);
        assertThat(errors(x().label(label("pid").decoders("uint")).build(), scalar))
                .isEmpty();
        assertThat(errors(
                        x().label(label("a").decoders("uint"))
                                .label(label("b").decoders("uint"))
                                .build(),
                        scalar))
                .first()
                .isEqualTo(new LayoutError(
                        "metrics.counters[0].labels[0].size",
                        "is required: map m has no BTF struct key to find field \"a\" in"));
        assertThat(errors(x().label("pid", 4, "uint").value(valueField("calls")).build(), scalar))
                .containsExactly(new LayoutError(
                        "metrics.counters[0].value.field",
                        "map m has no BTF struct value to find field \"calls\" in; use value.offset and value.size"));
    }
}
