package dev.kprom.agent.config;

import dev.kprom.exporter.decode.Decoders;
import dev.kprom.exporter.spec.CounterSpec;
import dev.kprom.exporter.spec.DecoderSpec;
import dev.kprom.exporter.spec.LabelSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a probe set on its own, before anything touches the kernel. */
final class ProbeSetValidation {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private ProbeSetValidation() {}

    static void check(ProbeSetSpec spec, Problems problems) {
        if (spec.object() == null || spec.object().isBlank()) problems.add("object", "is required");
        if (spec.programs().isEmpty()) problems.add("programs", "at least one program is required");
        Set<String> programNames = new HashSet<>();
        for (int i = 0; i < spec.programs().size(); i++) {
            ProgramSpec program = spec.programs().get(i);
            String at = "programs[" + i + "]";
            if (program == null) {
                problems.add(at, "is empty");
                continue;
            }
            if (program.name() == null) {
                problems.add(at + ".name", "is required");
            } else if (!NAME.matcher(program.name()).matches()) {
                problems.add(at + ".name", "must match " + NAME + " (got " + quote(program.name()) + ")");
            } else if (!programNames.add(program.name())) {
                problems.add(at + ".name", "duplicate program name (got " + quote(program.name()) + ")");
            }
            if (program.attach().isEmpty()) problems.add(at + ".attach", "at least one attach alternative is required");
            for (int j = 0; j < program.attach().size(); j++) {
                AttachSpec alt = program.attach().get(j);
                String altAt = at + ".attach[" + j + "]";
                if (alt == null) problems.add(altAt, "is empty");
                else alt.problems().forEach(p -> problems.add(altAt, p));
            }
        }
        Set<String> metricNames = new HashSet<>();
        List<CounterSpec> counters = spec.metrics().counters();
        for (int i = 0; i < counters.size(); i++) {
            CounterSpec c = counters.get(i);
            String at = "metrics.counters[" + i + "]";
            if (c == null) {
                problems.add(at, "is empty");
                continue;
            }
            if (c.name() == null) {
                problems.add(at + ".name", "is required");
            } else if (!NAME.matcher(c.name()).matches()) {
                problems.add(at + ".name", "must match " + NAME + " (got " + quote(c.name()) + ")");
            } else {
                if (!c.name().endsWith("_total")) {
                    problems.add(at + ".name", "a counter's name must end in _total (got " + quote(c.name()) + ")");
                }
                if (!metricNames.add(c.name())) problems.add(at + ".name", "duplicate metric name (got " + quote(c.name()) + ")");
            }
            if (c.help() == null || c.help().isBlank()) problems.add(at + ".help", "is required");
            checkLabels(c.labels(), at, problems);
        }
    }

    private static void checkLabels(List<LabelSpec> labels, String at, Problems problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            LabelSpec l = labels.get(i);
            String lat = at + ".labels[" + i + "]";
            if (l == null) {
                problems.add(lat, "is empty");
                continue;
            }
            if (l.name() == null) {
                problems.add(lat + ".name", "is required");
            } else if (!NAME.matcher(l.name()).matches() || l.name().startsWith("__")) {
                problems.add(lat + ".name", "must match " + NAME + " and not start with __ (got " + quote(l.name()) + ")");
            } else if (l.name().equals("le") || l.name().equals("quantile")) {
                problems.add(lat + ".name", "is reserved by Prometheus (got " + quote(l.name()) + ")");
            } else if (!names.add(l.name())) {
                problems.add(lat + ".name", "duplicate label name (got " + quote(l.name()) + ")");
            }
            if (l.size() <= 0) problems.add(lat + ".size", "must be > 0 (got " + l.size() + ")");
            if (l.padding() < 0) problems.add(lat + ".padding", "must be >= 0 (got " + l.padding() + ")");
            if (l.decoders().isEmpty()) problems.add(lat + ".decoders", "at least one decoder is required");
            for (int j = 0; j < l.decoders().size(); j++) {
                DecoderSpec d = l.decoders().get(j);
                if (d == null || d.name() == null || !Decoders.exists(d.name())) {
                    problems.add(lat + ".decoders[" + j + "].name", "unknown decoder (got " + quote(d == null ? null : d.name())
                            + "; known: " + String.join(", ", Decoders.names()) + ")");
                }
            }
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }
}
