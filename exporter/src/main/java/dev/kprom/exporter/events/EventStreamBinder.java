package dev.kprom.exporter.events;

import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.layout.LayoutError;
import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.spec.DecoderSpec;
import dev.kprom.exporter.spec.EventStreamSpec;
import dev.kprom.exporter.spec.FieldSpec;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricKind;
import dev.kprom.exporter.spec.MetricSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fits an event stream's spec to its records: the record layout from explicit fields or a BTF struct, then each
 * counter and histogram to the fields it reads. Every mismatch is reported with its YAML path; the result is an
 * {@link EventStream} ready for records.
 */
public final class EventStreamBinder {
    private EventStreamBinder() {}

    /**
     * Lays out the records of {@code spec} (at YAML path {@code at}) from its explicit fields or from the BTF
     * struct {@code btfRecord} found for {@code spec.record()}, and fits each metric to it. Adds every mismatch
     * to {@code errors} and returns null if there was one. {@code rings}: the number of rings feeding it.
     */
    public static EventStream bind(
            EventStreamSpec spec,
            String at,
            Optional<List<Field>> btfRecord,
            int rings,
            CollectObserver observer,
            List<LayoutError> errors) {
        int before = errors.size();
        List<Field> fields = layout(spec, at, btfRecord, errors);
        if (errors.size() > before) return null;
        Map<String, Field> byName = new LinkedHashMap<>();
        fields.forEach(f -> byName.put(f.name(), f));
        Map<String, List<DecoderSpec>> decoders = new LinkedHashMap<>();
        spec.fields().forEach(f -> decoders.put(f.name(), f.decoders()));
        List<EventAggregate> aggregates = new ArrayList<>();
        List<MapMetricCollector> collectors = new ArrayList<>();
        spec.metrics()
                .forEach((kind, specs) -> bindMetrics(
                        kind,
                        specs,
                        at + "." + kind.yamlList(),
                        spec.map(),
                        spec.seriesIdle(),
                        byName,
                        decoders,
                        rings,
                        observer,
                        aggregates,
                        collectors,
                        errors));
        if (errors.size() > before) return null;
        return new EventStream(spec.map(), fields, decoders, aggregates, collectors);
    }

    private static List<Field> layout(
            EventStreamSpec spec, String at, Optional<List<Field>> btfRecord, List<LayoutError> errors) {
        List<FieldSpec> given = spec.fields();
        boolean explicit = !given.isEmpty() && given.stream().anyMatch(f -> f.size() != null);
        List<Field> fields = new ArrayList<>();
        if (explicit) {
            int offset = 0;
            for (int i = 0; i < given.size(); i++) {
                FieldSpec f = given.get(i);
                if (f.size() == null) {
                    errors.add(new LayoutError(
                            at + ".fields[" + i + "].size",
                            "is required: fields are laid out by size when any field has one"));
                    continue;
                }
                fields.add(new Field(f.name(), offset, f.size()));
                offset += f.size() + f.paddingOrZero();
            }
            return fields;
        }
        if (spec.record() == null) {
            errors.add(new LayoutError(at, "give the record's BTF struct name in record, or fields with sizes"));
            return fields;
        }
        if (btfRecord.isEmpty()) {
            errors.add(new LayoutError(
                    at + ".record",
                    "the object has no BTF struct \"" + spec.record()
                            + "\" (is it used by a program? or give fields with sizes)"));
            return fields;
        }
        fields.addAll(btfRecord.get());
        for (int i = 0; i < given.size(); i++) {
            String name = given.get(i).name();
            if (fields.stream().noneMatch(f -> f.name().equals(name))) {
                errors.add(new LayoutError(
                        at + ".fields[" + i + "].name",
                        "struct " + spec.record() + " has no field \"" + name + "\" (fields: " + Field.names(fields)
                                + ")"));
            }
        }
        return fields;
    }

    private static void bindMetrics(
            MetricKind kind,
            List<MetricSpec> specs,
            String at,
            String map,
            Duration idle,
            Map<String, Field> fields,
            Map<String, List<DecoderSpec>> decoders,
            int rings,
            CollectObserver observer,
            List<EventAggregate> aggregates,
            List<MapMetricCollector> collectors,
            List<LayoutError> errors) {
        for (int i = 0; i < specs.size(); i++) {
            MetricSpec spec = specs.get(i);
            String mat = at + "[" + i + "]";
            int before = errors.size();
            List<Field> labelFields = new ArrayList<>();
            List<LabelSpec> labels = new ArrayList<>();
            for (int j = 0; j < spec.labels().size(); j++) {
                LabelSpec l = spec.labels().get(j);
                String lat = mat + ".labels[" + j + "]";
                Field f = fields.get(l.fieldName());
                if (f == null) {
                    errors.add(new LayoutError(
                            lat + (l.field() != null ? ".field" : ".name"),
                            "the record has no field \"" + l.fieldName() + "\" (fields: " + Field.names(fields.values())
                                    + ")"));
                    continue;
                }
                List<DecoderSpec> ds =
                        !l.decoders().isEmpty() ? l.decoders() : decoders.getOrDefault(f.name(), List.of());
                if (ds.isEmpty()) {
                    errors.add(new LayoutError(
                            lat + ".decoders", "at least one decoder is required (here or in the stream's fields)"));
                    continue;
                }
                labelFields.add(new Field(l.name(), f.offset(), f.size()));
                labels.add(new LabelSpec(l.name(), null, null, l.field(), ds));
            }
            Field value = null;
            if (spec.value() != null && spec.value().field() != null) {
                value = fields.get(spec.value().field());
                if (value == null) {
                    errors.add(new LayoutError(
                            mat + ".value.field",
                            "the record has no field \"" + spec.value().field() + "\" (fields: "
                                    + Field.names(fields.values()) + ")"));
                } else if (!value.isInteger()) {
                    errors.add(new LayoutError(
                            mat + ".value.field",
                            "field \"" + value.name() + "\" is not an unsigned integer of " + Field.INTEGER_SIZES
                                    + " (got " + value.size() + " bytes)"));
                }
            } else if (kind == MetricKind.HISTOGRAM) {
                errors.add(
                        new LayoutError(mat + ".value.field", "is required: the record field the histogram observes"));
            }
            if (errors.size() > before) continue;
            MetricSpec resolved = new MetricSpec(
                    spec.name(), spec.help(), null, labels, spec.value(), null, spec.maxSeries(), spec.buckets(), null);
            EventAggregate aggregate = new EventAggregate(
                    map,
                    labelFields,
                    value,
                    kind == MetricKind.HISTOGRAM ? spec.buckets() : null,
                    resolved.seriesLimit(),
                    idle,
                    rings,
                    n -> observer.dropped(spec.name(), n));
            aggregates.add(aggregate);
            collectors.add(new MapMetricCollector(kind, resolved, aggregate.layout(), aggregate, observer));
        }
    }
}
