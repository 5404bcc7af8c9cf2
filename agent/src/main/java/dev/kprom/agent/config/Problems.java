package dev.kprom.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import java.util.ArrayList;
import java.util.List;

/** Semantic problems found after binding, turned into located {@link ConfigError}s. */
final class Problems {
    private final String file;
    private final YamlLocations locations;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file, String text) {
        this.file = file;
        this.locations = new YamlLocations(text);
    }

    void add(String path, String message) {
        // A missing key has no location of its own: point at its parent, or at the top of the file.
        JsonLocation loc = locations.find(path);
        errors.add(new ConfigError(
                file, loc == null ? 1 : loc.getLineNr(), loc == null ? 1 : loc.getColumnNr(), path, message));
    }

    /** A problem the parser located itself (a YAML syntax error). */
    void addAt(int line, int column, String message) {
        errors.add(new ConfigError(file, line, column, "", message));
    }

    List<ConfigError> errors() {
        return errors;
    }

    void throwIfAny() {
        if (!errors.isEmpty()) throw new ConfigException(errors);
    }
}
