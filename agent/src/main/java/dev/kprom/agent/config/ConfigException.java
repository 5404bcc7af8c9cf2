package dev.kprom.agent.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config is invalid: every error found, one per line, each naming file, line, column and field. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().sorted().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = errors.stream().sorted().toList();
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
