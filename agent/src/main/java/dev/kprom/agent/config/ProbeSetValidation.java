package dev.kprom.agent.config;

import dev.kprom.exporter.decode.Decoders;
import dev.kprom.exporter.spec.MetricsSpec;
import dev.kprom.exporter.spec.SpecNames;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Checks a probe set on its own, before anything touches the kernel: what the agent owns (the object, constants,
 * programs and their attach alternatives) here, the metrics and event streams by their specs' own rules.
 */
final class ProbeSetValidation {
    private ProbeSetValidation() {}

    static void check(ProbeSetSpec spec, Problems problems) {
        checkForeignMaps(spec, problems);
        if (spec.inventory() != null) checkInventory(spec, problems);
        else if (spec.objectless() && loadsSomething(spec))
            problems.add("object", "is required for programs, iterators and events");
        else if (!spec.objectless()) checkObject(spec, problems);
        MetricsSpec.check(spec.metrics(), spec.events(), Decoders.CATALOG, problems::add);
    }

    /** Programs, iterators or event streams: what only an object of the probe set's own can bring. */
    private static boolean loadsSomething(ProbeSetSpec spec) {
        return !spec.programs().isEmpty()
                || !spec.iterators().isEmpty()
                || !spec.events().isEmpty();
    }

    private static void checkInventory(ProbeSetSpec spec, Problems problems) {
        if (spec.object() != null) problems.add("object", "an inventory probe set loads no object of its own");
        if (loadsSomething(spec))
            problems.add("inventory", "an inventory probe set has no programs, iterators or events");
        Integer refresh = spec.inventory().refreshSeconds();
        if (refresh != null && refresh < 0)
            problems.add("inventory.refresh_seconds", "must be >= 0 (got " + refresh + ")");
        Long budget = spec.inventory().entriesBudget();
        if (budget != null && budget < 0) problems.add("inventory.entries_budget", "must be >= 0 (got " + budget + ")");
    }

    /** A probe set with an object of its own: the object, constants, kaddrs, programs, tail calls, iterators. */
    private static void checkObject(ProbeSetSpec spec, Problems problems) {
        if (spec.object() == null || spec.object().isBlank()) problems.add("object", "is required");
        checkConstants(spec.constants(), problems);
        for (int i = 0; i < spec.kaddrs().size(); i++) {
            String symbol = spec.kaddrs().get(i);
            if (symbol == null || !symbol.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                problems.add("kaddrs[" + i + "]", "must be a kernel symbol name (got " + describe(symbol) + ")");
            } else if (spec.constants().containsKey("kaddr_" + symbol)) {
                problems.add("kaddrs[" + i + "]", "constant kaddr_" + symbol + " is set in constants too");
            }
        }
        checkPrograms(spec, problems);
        for (int i = 0; i < spec.tailCalls().size(); i++) {
            TailCallSpec t = spec.tailCalls().get(i);
            String at = "tail_calls[" + i + "]";
            if (t == null || t.map() == null) problems.add(at + ".map", "is required: the PROG_ARRAY to fill");
            if (t != null && t.entries().isEmpty()) problems.add(at + ".entries", "needs at least one index: program");
            if (t != null) {
                t.entries().forEach((index, program) -> {
                    if (index < 0) problems.add(at + ".entries", "an index must be >= 0 (got " + index + ")");
                    if (program == null || program.isBlank())
                        problems.add(at + ".entries", "index " + index + " names no program");
                });
            }
        }
        checkIterators(spec, problems);
    }

    private static void checkForeignMaps(ProbeSetSpec spec, Problems problems) {
        checkNamed(
                spec.foreignMaps(),
                "foreign_maps",
                "foreign map",
                ForeignMapSpec::name,
                problems,
                (f, at) -> f.problems().forEach(p -> problems.add(at, p)));
    }

    private static void checkIterators(ProbeSetSpec spec, Problems problems) {
        checkNamed(spec.iterators(), "iterators", "iterator", IteratorSpec::name, problems, (it, at) -> {
            if (it.program() == null || it.program().isBlank())
                problems.add(at + ".program", "is required: the SEC(\"iter/...\") program that writes the records");
            if (it.record() == null || it.record().isBlank())
                problems.add(at + ".record", "is required: the struct {key; value;} each record is");
            if (it.maxBytes() != null && (it.maxBytes() < 4096 || it.maxBytes() > 1L << 30))
                problems.add(at + ".max_bytes", "must be 4096 to 1073741824 (got " + it.maxBytes() + ")");
        });
    }

    /** Each entry of list {@code key}: not empty, its name unique among the {@code kind}s, then {@code more}. */
    private static <T> void checkNamed(
            List<T> entries,
            String key,
            String kind,
            Function<T, String> name,
            Problems problems,
            BiConsumer<T, String> more) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            T entry = entries.get(i);
            String at = key + "[" + i + "]";
            if (entry == null) {
                problems.add(at, "is empty");
                continue;
            }
            SpecNames.check(name.apply(entry), at + ".name", kind, names, problems::add);
            more.accept(entry, at);
        }
    }

    private static void checkConstants(Map<String, Object> constants, Problems problems) {
        constants.forEach((name, value) -> {
            if (!(value instanceof Number || value instanceof Boolean || value instanceof String)) {
                problems.add(
                        "constants." + name,
                        "must be an integer, true/false or a string (got " + describe(value) + ")");
            }
        });
    }

    private static void checkPrograms(ProbeSetSpec spec, Problems problems) {
        if (spec.programs().isEmpty() && spec.iterators().isEmpty())
            problems.add("programs", "at least one program (or iterator) is required");
        Set<String> programNames = new HashSet<>();
        for (int i = 0; i < spec.programs().size(); i++) {
            ProgramSpec program = spec.programs().get(i);
            String at = "programs[" + i + "]";
            if (program == null) {
                problems.add(at, "is empty");
                continue;
            }
            SpecNames.check(program.name(), at + ".name", "program", programNames, problems::add);
            if (program.attach().isEmpty()) problems.add(at + ".attach", "at least one attach alternative is required");
            for (int j = 0; j < program.attach().size(); j++) {
                AttachSpec alt = program.attach().get(j);
                String altAt = at + ".attach[" + j + "]";
                if (alt == null) problems.add(altAt, "is empty");
                else alt.problems().forEach(p -> problems.add(altAt, p));
            }
        }
    }

    private static String describe(Object v) {
        return v instanceof Map ? "a mapping" : v instanceof List ? "a list" : String.valueOf(v);
    }
}
