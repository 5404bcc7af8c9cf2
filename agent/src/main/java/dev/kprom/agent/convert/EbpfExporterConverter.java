package dev.kprom.agent.convert;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a config in ebpf_exporter's format (its {@code metrics}: counters, perf-event-array counters and
 * histograms with labels, decoders and bucket types; its {@code kaddrs}) into a kprom probe set for the same BPF
 * object, as a YAML tree. What has no kprom equivalent is named in {@link Result#notConverted()}, never dropped
 * silently. Semantics kept: a counter's name gets {@code _total} (its map keeps the old name); a histogram's sum is
 * read from the bucket past {@code bucket_max}, where ebpf_exporter reads it; a {@code static_map} without
 * {@code allow_unknown} keeps unknown values as {@code unknown:<value>}; a {@code regexp} gives what ebpf_exporter's
 * gives (its single group, else the whole match); every program of the object is attached as its {@code SEC()}
 * says, as ebpf_exporter attaches them.
 */
public final class EbpfExporterConverter {
    /** The probe set's YAML tree, and what could not be converted (each with its YAML path and why). */
    public record Result(Map<String, Object> probeSet, List<String> notConverted) {}

    private static final Set<String> DECODERS = Set.of(
            "cgroup",
            "dname",
            "errno",
            "hex",
            "ifname",
            "inet_ip",
            "kstack",
            "ksym",
            "majorminor",
            "pci_class",
            "pci_device",
            "pci_subclass",
            "pci_vendor",
            "regexp",
            "static_map",
            "string",
            "syscall",
            "uint");
    private static final Map<String, String> BUCKET_TYPES =
            Map.of("exp2", "exp2", "exp2zero", "exp2_zero", "linear", "linear", "fixed", "fixed");

    private final List<String> notConverted = new ArrayList<>();

    private EbpfExporterConverter() {}

    /** {@code config}: the parsed file; {@code object}: the object's file name; {@code programs}: those to attach. */
    public static Result convert(JsonNode config, String object, List<String> programs) {
        return new EbpfExporterConverter().run(config, object, programs);
    }

    private Result run(JsonNode config, String object, List<String> programs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", object);
        config.fieldNames().forEachRemaining(key -> {
            if (!Set.of("metrics", "kaddrs", "tracing", "cgroup_id_map").contains(key))
                notConverted.add(key + ": not a key of ebpf_exporter's format");
        });
        if (config.path("kaddrs").isArray() && !config.path("kaddrs").isEmpty()) {
            List<String> kaddrs = new ArrayList<>();
            config.path("kaddrs").forEach(k -> kaddrs.add(k.asText()));
            out.put("kaddrs", kaddrs);
        }
        List<Object> slots = new ArrayList<>();
        for (String program : programs) {
            slots.add(map("name", program, "attach", List.of(map("program", program, "auto", true))));
        }
        out.put("programs", slots);
        JsonNode metrics = config.path("metrics");
        List<Object> counters = new ArrayList<>();
        List<Object> histograms = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        JsonNode cs = metrics.path("counters");
        for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            String at = "metrics.counters[" + i + "]";
            if (c.path("perf_event_array").asBoolean(false)) events.add(eventCounter(c, at));
            else counters.add(counter(c, at));
        }
        JsonNode hs = metrics.path("histograms");
        for (int i = 0; i < hs.size(); i++) histograms.add(histogram(hs.get(i), "metrics.histograms[" + i + "]"));
        Map<String, Object> m = new LinkedHashMap<>();
        if (!counters.isEmpty()) m.put("counters", counters);
        if (!histograms.isEmpty()) m.put("histograms", histograms);
        if (!m.isEmpty()) out.put("metrics", m);
        if (!events.isEmpty()) out.put("events", events);
        if (config.path("tracing").path("spans").size() > 0) {
            notConverted.add("tracing.spans: kprom exports metrics only (no OpenTelemetry spans); the "
                    + config.path("tracing").path("spans").size() + " span(s) are left out");
        }
        if (!config.path("cgroup_id_map").isMissingNode()
                && !config.path("cgroup_id_map").isNull()) {
            notConverted.add("cgroup_id_map: kprom does not fill a map of cgroup ids by regexps; the program sees"
                    + " map " + config.path("cgroup_id_map").path("name").asText("?") + " empty");
        }
        return new Result(out, List.copyOf(notConverted));
    }

    private Map<String, Object> counter(JsonNode c, String at) {
        String name = c.path("name").asText();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name.endsWith("_total") ? name : name + "_total");
        if (!name.endsWith("_total")) out.put("map", name);
        out.put("help", c.path("help").asText());
        out.put("labels", labels(c.path("labels"), at, false));
        unknownKeys(c, at, Set.of("name", "help", "labels", "perf_event_array", "flush_interval"));
        return out;
    }

    /** A perf-event-array counter: each record is a key; kprom counts them in an event stream of its map. */
    private Map<String, Object> eventCounter(JsonNode c, String at) {
        String name = c.path("name").asText();
        List<Object> fields = new ArrayList<>();
        List<Object> labels = new ArrayList<>();
        JsonNode ls = c.path("labels");
        for (int j = 0; j < ls.size(); j++) {
            Map<String, Object> field = label(ls.get(j), at + ".labels[" + j + "]", false);
            fields.add(field);
            labels.add(map("name", field.get("name")));
        }
        if (c.has("flush_interval")) {
            notConverted.add(at + ".flush_interval: kprom's event counters keep counting (they are never reset);"
                    + " idle series go after series_idle_seconds instead");
        }
        unknownKeys(c, at, Set.of("name", "help", "labels", "perf_event_array", "flush_interval"));
        return map(
                "map",
                name,
                "fields",
                fields,
                "counters",
                List.of(map(
                        "name",
                        name.endsWith("_total") ? name : name + "_total",
                        "help",
                        c.path("help").asText(),
                        "labels",
                        labels)));
    }

    private Map<String, Object> histogram(JsonNode h, String at) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", h.path("name").asText());
        out.put("help", h.path("help").asText());
        String type = h.path("bucket_type").asText();
        Map<String, Object> buckets = new LinkedHashMap<>();
        buckets.put("type", BUCKET_TYPES.getOrDefault(type, type));
        if (!BUCKET_TYPES.containsKey(type)) notConverted.add(at + ".bucket_type: unknown type \"" + type + "\"");
        if (type.equals("fixed")) {
            List<Double> bounds = new ArrayList<>();
            h.path("bucket_keys").forEach(k -> bounds.add(k.asDouble()));
            buckets.put("bounds", bounds);
        } else {
            buckets.put("min", h.path("bucket_min").asInt(0));
            buckets.put("max", h.path("bucket_max").asInt());
        }
        if (h.has("bucket_multiplier"))
            buckets.put("multiplier", h.path("bucket_multiplier").asDouble());
        out.put("buckets", buckets);
        if (!type.equals("fixed")) out.put("sum", map("slot", "past_max"));
        out.put("labels", labels(h.path("labels"), at, true));
        unknownKeys(
                h,
                at,
                Set.of(
                        "name",
                        "help",
                        "bucket_type",
                        "bucket_multiplier",
                        "bucket_min",
                        "bucket_max",
                        "bucket_keys",
                        "labels"));
        return out;
    }

    private List<Object> labels(JsonNode labels, String at, boolean histogram) {
        List<Object> out = new ArrayList<>();
        for (int j = 0; j < labels.size(); j++) {
            out.add(label(labels.get(j), at + ".labels[" + j + "]", histogram && j == labels.size() - 1));
        }
        return out;
    }

    private Map<String, Object> label(JsonNode l, String at, boolean bucket) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", l.path("name").asText());
        if (l.has("size")) out.put("size", l.path("size").asInt());
        if (l.path("padding").asInt(0) > 0) out.put("padding", l.path("padding").asInt());
        unknownKeys(l, at, Set.of("name", "size", "padding", "decoders"));
        if (bucket) return out; // kprom reads the bucket index itself: its decoders (uint) have no part to play
        List<Object> decoders = new ArrayList<>();
        JsonNode ds = l.path("decoders");
        for (int k = 0; k < ds.size(); k++) {
            Map<String, Object> d = decoder(ds.get(k), at + ".decoders[" + k + "]");
            if (d != null) decoders.add(d);
        }
        out.put("decoders", decoders);
        return out;
    }

    private Map<String, Object> decoder(JsonNode d, String at) {
        String name = d.path("name").asText();
        if (!DECODERS.contains(name)) {
            notConverted.add(at + ": decoder \"" + name + "\" has no kprom equivalent; left out of the chain");
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        if (name.equals("static_map")) {
            Map<String, String> entries = new LinkedHashMap<>();
            d.path("static_map")
                    .fields()
                    .forEachRemaining(e -> entries.put(e.getKey(), e.getValue().asText()));
            out.put("map", entries);
            if (d.path("allow_unknown").asBoolean(false)) out.put("allow_unknown", true);
            else out.put("unknown_prefix", "unknown:");
        } else if (name.equals("regexp")) {
            List<String> regexps = new ArrayList<>();
            d.path("regexps").forEach(r -> regexps.add(asEbpfExporterDoes(r.asText())));
            out.put("regexps", regexps);
        }
        unknownKeys(d, at, Set.of("name", "static_map", "allow_unknown", "regexps"));
        return out;
    }

    /**
     * ebpf_exporter's regexp gives its single capturing group, else the whole match; kprom's gives its first
     * group, else the whole text: a pattern with one group stays, any other is wrapped in a group of its own.
     */
    static String asEbpfExporterDoes(String regexp) {
        try {
            return Pattern.compile(regexp).matcher("").groupCount() == 1 ? regexp : "(" + regexp + ")";
        } catch (PatternSyntaxException e) {
            return regexp; // as it was: check-config names what is wrong with it
        }
    }

    private void unknownKeys(JsonNode node, String at, Set<String> known) {
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) notConverted.add(at + "." + k + ": not a key of ebpf_exporter's format");
        });
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
