package dev.kprom.agent.config;

import dev.kprom.exporter.decode.Decoders;
import dev.kprom.exporter.spec.BucketSpec;
import dev.kprom.exporter.spec.DecoderSpec;
import dev.kprom.exporter.spec.EventStreamSpec;
import dev.kprom.exporter.spec.FieldSpec;
import dev.kprom.exporter.spec.LabelSpec;
import dev.kprom.exporter.spec.MetricSpec;
import dev.kprom.exporter.spec.ValueSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a probe set on its own, before anything touches the kernel. */
final class ProbeSetValidation {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Set<String> RESERVED_LABELS = Set.of("le", "quantile", "cpu");

    private ProbeSetValidation() {}

    static void check(ProbeSetSpec spec, Problems problems) {
        if (spec.object() == null || spec.object().isBlank()) problems.add("object", "is required");
        checkConstants(spec.constants(), problems);
        checkPrograms(spec, problems);
        Set<String> names = new HashSet<>();
        checkMetrics("counters", spec.metrics().counters(), names, problems);
        checkMetrics("gauges", spec.metrics().gauges(), names, problems);
        checkMetrics("histograms", spec.metrics().histograms(), names, problems);
        checkEvents(spec.events(), names, problems);
    }

    private static void checkEvents(List<EventStreamSpec> streams, Set<String> names, Problems problems) {
        Set<String> maps = new HashSet<>();
        for (int i = 0; i < streams.size(); i++) {
            EventStreamSpec s = streams.get(i);
            String at = "events[" + i + "]";
            if (s == null) {
                problems.add(at, "is empty");
                continue;
            }
            name(s.map(), at + ".map", "event map", maps, problems);
            if (s.perfPages() != null && (s.perfPages() < 1 || s.perfPages() > 4096 || Integer.bitCount(s.perfPages()) != 1)) {
                problems.add(at + ".perf_pages", "must be a power of 2 from 1 to 4096 (got " + s.perfPages() + ")");
            }
            if (s.drainIntervalMs() != null && (s.drainIntervalMs() < 1 || s.drainIntervalMs() > 10_000)) {
                problems.add(at + ".drain_interval_ms", "must be 1 to 10000 (got " + s.drainIntervalMs() + ")");
            }
            Set<String> fieldNames = new HashSet<>();
            for (int j = 0; j < s.fields().size(); j++) {
                FieldSpec f = s.fields().get(j);
                String fat = at + ".fields[" + j + "]";
                if (f == null) {
                    problems.add(fat, "is empty");
                    continue;
                }
                name(f.name(), fat + ".name", "field", fieldNames, problems);
                if (f.size() != null && f.size() <= 0) problems.add(fat + ".size", "must be > 0 (got " + f.size() + ")");
                if (f.padding() != null && f.padding() < 0) problems.add(fat + ".padding", "must be >= 0 (got " + f.padding() + ")");
                checkDecoders(f.decoders(), fat, problems);
            }
            if (s.counters().isEmpty() && s.histograms().isEmpty()) problems.add(at, "an event stream needs counters or histograms");
            checkEventMetrics(at + ".counters", s.counters(), false, names, problems);
            checkEventMetrics(at + ".histograms", s.histograms(), true, names, problems);
        }
    }

    /** Event metrics: named and described like map metrics; labels name record fields, so they take no sizes. */
    private static void checkEventMetrics(String at, List<MetricSpec> metrics, boolean histogram, Set<String> names, Problems problems) {
        for (int i = 0; i < metrics.size(); i++) {
            MetricSpec m = metrics.get(i);
            String mat = at + "[" + i + "]";
            if (m == null) {
                problems.add(mat, "is empty");
                continue;
            }
            checkName(m, mat, histogram ? "histograms" : "counters", names, problems);
            if (m.help() == null || m.help().isBlank()) problems.add(mat + ".help", "is required");
            if (m.map() != null) problems.add(mat + ".map", "event metrics read their stream's records, not a map");
            if (m.perCpu() != null) problems.add(mat + ".per_cpu", "event metrics have no per-CPU values");
            if (m.maxSeries() != null && m.maxSeries() <= 0) problems.add(mat + ".max_series", "must be > 0 (got " + m.maxSeries() + ")");
            if (m.value() != null && (m.value().offset() != null || m.value().size() != null)) {
                problems.add(mat + ".value", "name a record field with value.field (offset and size are for map values)");
            }
            if (histogram) checkBuckets(m.buckets(), mat + ".buckets", problems);
            else if (m.buckets() != null) problems.add(mat + ".buckets", "only histograms have buckets");
            Set<String> labelNames = new HashSet<>();
            for (int j = 0; j < m.labels().size(); j++) {
                LabelSpec l = m.labels().get(j);
                String lat = mat + ".labels[" + j + "]";
                if (l == null) {
                    problems.add(lat, "is empty");
                    continue;
                }
                checkLabelName(l, lat, false, labelNames, problems);
                if (l.size() != null || l.padding() != null) problems.add(lat, "event labels take no size or padding: the record layout has them");
                checkDecoders(l.decoders(), lat, problems);
            }
        }
    }

    private static void checkConstants(Map<String, Object> constants, Problems problems) {
        constants.forEach((name, value) -> {
            if (!(value instanceof Number || value instanceof Boolean || value instanceof String)) {
                problems.add("constants." + name, "must be an integer, true/false or a string (got " + describe(value) + ")");
            }
        });
    }

    private static void checkPrograms(ProbeSetSpec spec, Problems problems) {
        if (spec.programs().isEmpty()) problems.add("programs", "at least one program is required");
        Set<String> programNames = new HashSet<>();
        for (int i = 0; i < spec.programs().size(); i++) {
            ProgramSpec program = spec.programs().get(i);
            String at = "programs[" + i + "]";
            if (program == null) {
                problems.add(at, "is empty");
                continue;
            }
            name(program.name(), at + ".name", "program", programNames, problems);
            if (program.attach().isEmpty()) problems.add(at + ".attach", "at least one attach alternative is required");
            for (int j = 0; j < program.attach().size(); j++) {
                AttachSpec alt = program.attach().get(j);
                String altAt = at + ".attach[" + j + "]";
                if (alt == null) problems.add(altAt, "is empty");
                else alt.problems().forEach(p -> problems.add(altAt, p));
            }
        }
    }

    private static void checkMetrics(String kind, List<MetricSpec> metrics, Set<String> names, Problems problems) {
        for (int i = 0; i < metrics.size(); i++) {
            MetricSpec m = metrics.get(i);
            String at = "metrics." + kind + "[" + i + "]";
            if (m == null) {
                problems.add(at, "is empty");
                continue;
            }
            checkName(m, at, kind, names, problems);
            if (m.help() == null || m.help().isBlank()) problems.add(at + ".help", "is required");
            if (m.map() != null && !NAME.matcher(m.map()).matches()) {
                problems.add(at + ".map", "must be a map name, " + NAME + " (got \"" + m.map() + "\")");
            }
            if (m.perCpu() != null && !m.perCpu().equals("sum") && !m.perCpu().equals("split")) {
                problems.add(at + ".per_cpu", "must be sum or split (got \"" + m.perCpu() + "\")");
            }
            if (m.maxSeries() != null && m.maxSeries() <= 0) problems.add(at + ".max_series", "must be > 0 (got " + m.maxSeries() + ")");
            checkValue(m.value(), at + ".value", problems);
            boolean histogram = kind.equals("histograms");
            if (histogram) {
                checkBuckets(m.buckets(), at + ".buckets", problems);
                if (m.labels().isEmpty()) problems.add(at + ".labels", "a histogram needs at least its bucket label, last");
            } else if (m.buckets() != null) {
                problems.add(at + ".buckets", "only histograms have buckets");
            }
            checkLabels(m.labels(), at, histogram, problems);
        }
    }

    private static void checkName(MetricSpec m, String at, String kind, Set<String> names, Problems problems) {
        if (name(m.name(), at + ".name", "metric", names, problems)) {
            boolean total = m.name().endsWith("_total");
            if (kind.equals("counters") && !total) {
                problems.add(at + ".name", "a counter's name must end in _total (got \"" + m.name() + "\")");
            } else if (!kind.equals("counters") && total) {
                problems.add(at + ".name", "only counters end in _total (got \"" + m.name() + "\")");
            } else if (kind.equals("histograms") && m.name().matches(".*_(bucket|count|sum)")) {
                problems.add(at + ".name", "a histogram's name must not end in _bucket, _count or _sum (got \"" + m.name() + "\")");
            }
        }
    }

    private static void checkValue(ValueSpec v, String at, Problems problems) {
        if (v == null) return;
        if (v.field() != null && (v.offset() != null || v.size() != null)) {
            problems.add(at, "give either field or offset and size, not both");
        }
        if (v.offset() != null && v.offset() < 0) problems.add(at + ".offset", "must be >= 0 (got " + v.offset() + ")");
        if (v.size() != null && !List.of(1, 2, 4, 8).contains(v.size())) {
            problems.add(at + ".size", "must be 1, 2, 4 or 8 (got " + v.size() + ")");
        }
    }

    private static void checkBuckets(BucketSpec b, String at, Problems problems) {
        if (b == null) {
            problems.add(at, "a histogram needs buckets");
            return;
        }
        if (b.type() == null || !BucketSpec.TYPES.contains(b.type())) {
            problems.add(at + ".type", "must be one of " + String.join(", ", BucketSpec.TYPES) + " (got " + quote(b.type()) + ")");
            return;
        }
        if (b.multiplier() != null && !(b.multiplier() > 0)) problems.add(at + ".multiplier", "must be > 0 (got " + b.multiplier() + ")");
        if (b.type().equals("fixed")) {
            if (b.bounds().isEmpty()) problems.add(at + ".bounds", "fixed buckets need bounds");
            for (int i = 1; i < b.bounds().size(); i++) {
                if (!(b.bounds().get(i) > b.bounds().get(i - 1))) {
                    problems.add(at + ".bounds[" + i + "]", "bounds must increase (got " + b.bounds().get(i) + " after " + b.bounds().get(i - 1) + ")");
                }
            }
            if (b.min() != null || b.max() != null) problems.add(at, "fixed buckets take bounds, not min and max");
            return;
        }
        if (!b.bounds().isEmpty()) problems.add(at + ".bounds", "only fixed buckets take bounds");
        int min = b.min() == null ? 0 : b.min();
        if (min < 0) problems.add(at + ".min", "must be >= 0 (got " + min + ")");
        if (b.max() == null) {
            problems.add(at + ".max", "is required");
        } else if (b.max() < min) {
            problems.add(at + ".max", "must be >= min (got " + b.max() + " < " + min + ")");
        } else if (b.max() - min > 1024) {
            problems.add(at + ".max", "at most 1025 buckets (got " + (b.max() - min + 1) + ")");
        } else if (!b.type().equals("linear") && b.max() > 64) {
            problems.add(at + ".max", "exp2 buckets go up to 64 (got " + b.max() + ")");
        }
    }

    private static void checkLabels(List<LabelSpec> labels, String at, boolean histogram, Problems problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            LabelSpec l = labels.get(i);
            String lat = at + ".labels[" + i + "]";
            if (l == null) {
                problems.add(lat, "is empty");
                continue;
            }
            boolean bucket = histogram && i == labels.size() - 1;
            checkLabelName(l, lat, bucket, names, problems);
            if (l.size() != null && l.size() <= 0) problems.add(lat + ".size", "must be > 0 (got " + l.size() + ")");
            if (l.padding() != null && l.padding() < 0) problems.add(lat + ".padding", "must be >= 0 (got " + l.padding() + ")");
            if (l.padding() != null && l.size() == null) problems.add(lat + ".padding", "only labels with a size have padding");
            if (bucket) {
                if (!l.decoders().isEmpty()) problems.add(lat + ".decoders", "the bucket label (the last one of a histogram) takes no decoders");
            } else if (l.decoders().isEmpty()) {
                problems.add(lat + ".decoders", "at least one decoder is required");
            }
            checkDecoders(l.decoders(), lat, problems);
        }
    }

    private static void checkLabelName(LabelSpec l, String lat, boolean bucket, Set<String> names, Problems problems) {
        if (name(l.name(), lat + ".name", "label", names, problems)) {
            if (l.name().startsWith("__")) problems.add(lat + ".name", "must not start with __ (got \"" + l.name() + "\")");
            else if (RESERVED_LABELS.contains(l.name()) && !bucket) {
                problems.add(lat + ".name", "is reserved (got \"" + l.name() + "\")");
            }
        }
    }

    private static void checkDecoders(List<DecoderSpec> decoders, String at, Problems problems) {
        for (int j = 0; j < decoders.size(); j++) {
            DecoderSpec d = decoders.get(j);
            String dat = at + ".decoders[" + j + "]";
            if (d == null || d.name() == null || !Decoders.exists(d.name())) {
                problems.add(dat + ".name", "unknown decoder (got " + quote(d == null ? null : d.name())
                        + "; known: " + String.join(", ", Decoders.names()) + ")");
                continue;
            }
            try {
                Decoders.of(d);
            } catch (IllegalArgumentException e) {
                problems.add(dat, e.getMessage());
            }
        }
    }

    /** Checks a name's presence, shape and uniqueness; true when it is well-formed. */
    private static boolean name(String name, String at, String what, Set<String> seen, Problems problems) {
        if (name == null) {
            problems.add(at, "is required");
            return false;
        }
        if (!NAME.matcher(name).matches()) {
            problems.add(at, "must match " + NAME + " (got \"" + name + "\")");
            return false;
        }
        if (!seen.add(name)) {
            problems.add(at, "duplicate " + what + " name (got \"" + name + "\")");
            return false;
        }
        return true;
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }

    private static String describe(Object v) {
        return v instanceof Map ? "a mapping" : v instanceof List ? "a list" : String.valueOf(v);
    }
}
