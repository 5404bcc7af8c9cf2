package dev.kprom.agent.config;

import java.nio.file.Path;
import java.util.List;

/** The whole validated configuration: the daemon file and every probe set it enables. */
public record KpromConfig(Path file, DaemonConfig daemon, List<ProbeSetConfig> probeSets) {
    public KpromConfig {
        probeSets = List.copyOf(probeSets);
    }

    /** The web config file named by the daemon config, resolved against it; null if none. */
    public Path webConfigFile() {
        String w = daemon.webConfigFile();
        return w == null ? null : file.toAbsolutePath().getParent().resolve(w);
    }
}
