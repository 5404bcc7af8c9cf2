package dev.kprom.exporter;

/** The one place the {@code kprom_} prefix is added: map {@code execve_total} is metric {@code kprom_execve_total}. */
public final class MetricNames {
    public static final String PREFIX = "kprom_";

    private MetricNames() {}

    public static String exported(String name) {
        return PREFIX + name;
    }

    /**
     * The name the Prometheus client wants for a counter: without {@code _total}, which the exposition formats
     * append. {@code execve_total} becomes {@code kprom_execve}, served as {@code kprom_execve_total}.
     */
    public static String counterBase(String name) {
        String exported = exported(name);
        return exported.endsWith("_total") ? exported.substring(0, exported.length() - "_total".length()) : exported;
    }
}
