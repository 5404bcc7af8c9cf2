package dev.kprom.agent.config;

/** One problem in a config file: {@code config/probes/execve.yaml:14:7: metrics.counters[0].labels[1].size: must be > 0 (got 0)}. */
public record ConfigError(String file, int line, int column, String path, String message)
        implements Comparable<ConfigError> {
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line + ":" + column : file;
        return where + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + message;
    }

    @Override
    public int compareTo(ConfigError o) {
        int c = file.compareTo(o.file);
        if (c != 0) return c;
        c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }
}
