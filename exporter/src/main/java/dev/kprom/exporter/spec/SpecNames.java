package dev.kprom.exporter.spec;

import java.util.Set;
import java.util.regex.Pattern;

/** The shape every name in a probe set has (metrics, labels, maps, fields, programs), and its uniqueness. */
public final class SpecNames {
    public static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private SpecNames() {}

    /** Checks a name's presence, shape and uniqueness among {@code seen}; true when it is well-formed. */
    public static boolean check(String name, String at, String what, Set<String> seen, ProblemSink problems) {
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

    static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }
}
