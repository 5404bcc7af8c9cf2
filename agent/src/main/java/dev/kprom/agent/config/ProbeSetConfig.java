package dev.kprom.agent.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A probe set as found: its name, where its YAML came from, the directory its relative paths start from, and the
 * YAML text itself, so that errors found later against the object can still point at a line.
 */
public record ProbeSetConfig(String name, String source, Path baseDir, ProbeSetSpec spec, String text) {
    /** Errors found by checking this probe set against its object, each at its YAML path. */
    public ConfigException errorsAt(List<String[]> pathAndMessage) {
        Problems problems = new Problems(source, text);
        for (String[] p : pathAndMessage) problems.add(p[0], p[1]);
        return new ConfigException(problems.errors());
    }
}
