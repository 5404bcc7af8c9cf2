package dev.kprom.exporter.layout;

import dev.kprom.exporter.source.Field;
import dev.kprom.exporter.source.MapSource;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.exporter.spec.SumSpec;
import dev.kprom.exporter.spec.ValueSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Fits a metric spec to its map: labels laid out from their sizes or from the key's BTF struct, the value
 * from a struct field, an offset, or the whole value. Every mismatch is reported, with its YAML path.
 */
public final class LayoutBinder {
    private LayoutBinder() {}

    /** Binds {@code spec} (at YAML path {@code at}) to {@code map}; adds to {@code errors} and returns null on mismatch. */
    public static MetricLayout bind(MetricSpec spec, String at, MapSource map, List<LayoutError> errors) {
        return bind(spec, at, map, name -> null, errors);
    }

    /** As {@link #bind(MetricSpec, String, MapSource, List)}, with {@code maps} to find a sum map by name (or null). */
    public static MetricLayout bind(
            MetricSpec spec, String at, MapSource map, Function<String, MapSource> maps, List<LayoutError> errors) {
        int before = errors.size();
        List<Field> key = keyLayout(spec, at, map, errors);
        Field value = valueField(spec.value(), at, at + ".value", map, errors);
        if (errors.size() > before) return null;
        Field bucket = null;
        if (spec.buckets() != null) {
            bucket = key.remove(key.size() - 1);
            if (bucket.size() > 8) {
                errors.add(new LayoutError(
                        at + ".labels[" + key.size() + "]",
                        "the bucket index must be an integer of 1 to 8 bytes (got " + bucket.size() + " bytes)"));
                return null;
            }
        }
        Long sumBucket = null;
        Field sumField = null;
        SumSpec sum = spec.sum();
        if (sum != null && sum.pastMax()) sumBucket = (long) spec.buckets().last() + 1;
        if (sum != null && sum.field() != null) {
            sumField = valueField(new ValueSpec(sum.field(), null, null), at, at + ".sum", map, errors);
            if (sumField == null) return null;
        }
        SumMap sumMap = null;
        if (sum != null && sum.map() != null) {
            sumMap = sumMap(spec, at, maps.apply(sum.map()), sum.map(), errors);
            if (sumMap == null) return null;
        }
        return new MetricLayout(key, bucket, value, sumBucket, sumField, sumMap);
    }

    /** The histogram's sum map {@code map} (named {@code name}; null: none such), keyed by its labels less the bucket. */
    private static SumMap sumMap(MetricSpec spec, String at, MapSource map, String name, List<LayoutError> errors) {
        if (map == null) {
            errors.add(new LayoutError(at + ".sum.map", "no map \"" + name + "\" to read the sums from"));
            return null;
        }
        if (spec.splitCpus()) {
            errors.add(new LayoutError(at + ".sum.map", "a sum map cannot be split by CPU: use per_cpu: sum"));
            return null;
        }
        int before = errors.size();
        MetricSpec labelsOnly = new MetricSpec(
                spec.name(), spec.help(), spec.labels().subList(0, spec.labels().size() - 1));
        List<Field> key = keyLayout(labelsOnly, at, map, errors);
        if (!Field.isIntegerSize(map.valueSize()))
            errors.add(new LayoutError(
                    at + ".sum.map",
                    "map " + map.name() + " values are " + map.valueSize() + " bytes: a sum is one integer of 1 to 8"
                            + " bytes"));
        return errors.size() > before ? null : new SumMap(map, key, new Field("sum", 0, map.valueSize()));
    }

    private static List<Field> keyLayout(MetricSpec spec, String at, MapSource map, List<LayoutError> errors) {
        List<LabelSpec> labels = spec.labels();
        List<Field> fields = new ArrayList<>();
        boolean explicit = labels.stream().allMatch(l -> l.size() != null);
        if (explicit) {
            int offset = 0;
            for (LabelSpec l : labels) {
                fields.add(new Field(l.name(), offset, l.size()));
                offset += l.size() + l.paddingOrZero();
            }
            if (offset != map.keySize()) {
                errors.add(new LayoutError(
                        at + ".labels",
                        "labels span " + offset + " bytes but map " + map.name() + " has " + map.keySize()
                                + "-byte keys"));
            }
            return fields;
        }
        Optional<List<Field>> btf = map.keyFields();
        for (int i = 0; i < labels.size(); i++) {
            LabelSpec l = labels.get(i);
            String lat = at + ".labels[" + i + "]";
            Field f;
            if (btf.isEmpty()) {
                if (labels.size() == 1 && l.field() == null) {
                    f = new Field(l.name(), 0, map.keySize()); // a scalar key: the one label is all of it
                } else {
                    errors.add(new LayoutError(
                            lat + ".size",
                            "is required: map " + map.name() + " has no BTF struct key to find field \"" + l.fieldName()
                                    + "\" in"));
                    continue;
                }
            } else {
                Optional<Field> found = btf.get().stream()
                        .filter(b -> b.name().equals(l.fieldName()))
                        .findFirst();
                if (found.isEmpty()) {
                    errors.add(new LayoutError(
                            lat + (l.field() != null ? ".field" : ".name"),
                            "map " + map.name() + " key has no field \"" + l.fieldName() + "\" (fields: "
                                    + Field.names(btf.get()) + ")"));
                    continue;
                }
                f = new Field(l.name(), found.get().offset(), found.get().size());
            }
            if (l.size() != null && l.size() != f.size()) {
                errors.add(new LayoutError(
                        lat + ".size",
                        "field \"" + l.fieldName() + "\" of map " + map.name() + " is " + f.size() + " bytes (got "
                                + l.size() + ")"));
            }
            fields.add(f);
        }
        return fields;
    }

    /** The value field {@code v} names (at YAML path {@code vat}; {@code at}: the metric's path). */
    private static Field valueField(ValueSpec v, String at, String vat, MapSource map, List<LayoutError> errors) {
        int size = map.valueSize();
        Field f;
        if (v == null) {
            if (Field.isIntegerSize(size)) return new Field("value", 0, size);
            errors.add(new LayoutError(
                    at,
                    "map " + map.name() + " values are " + size + " bytes: pick a part with value.field"
                            + map.valueFields()
                                    .map(fs -> " (fields: " + Field.names(fs) + ")")
                                    .orElse("") + " or value.offset and value.size"));
            return null;
        }
        if (v.field() != null) {
            Optional<List<Field>> btf = map.valueFields();
            if (btf.isEmpty()) {
                errors.add(new LayoutError(
                        vat + ".field",
                        "map " + map.name() + " has no BTF struct value to find field \"" + v.field()
                                + "\" in; use value.offset and value.size"));
                return null;
            }
            Optional<Field> found =
                    btf.get().stream().filter(b -> b.name().equals(v.field())).findFirst();
            if (found.isEmpty()) {
                errors.add(new LayoutError(
                        vat + ".field",
                        "map " + map.name() + " value has no field \"" + v.field() + "\" (fields: "
                                + Field.names(btf.get()) + ")"));
                return null;
            }
            f = found.get();
        } else {
            int offset = v.offset() == null ? 0 : v.offset();
            int fsize = v.size() == null ? 8 : v.size();
            f = new Field("value", offset, fsize);
            if (f.end() > size) {
                errors.add(new LayoutError(
                        vat,
                        "bytes " + offset + ".." + (f.end() - 1) + " lie outside map " + map.name() + "'s " + size
                                + "-byte values"));
                return null;
            }
        }
        if (!f.isInteger()) {
            errors.add(new LayoutError(
                    vat,
                    "a value must be an unsigned integer of " + Field.INTEGER_SIZES + " (got " + f.size() + " bytes)"));
            return null;
        }
        return f;
    }
}
