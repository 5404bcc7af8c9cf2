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
        JsonLocation loc = locations.find(path);
        errors.add(new ConfigError(file, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), path, message));
    }

    List<ConfigError> errors() {
        return errors;
    }
}
