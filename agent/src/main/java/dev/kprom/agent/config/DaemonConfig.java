package dev.kprom.agent.config;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code config/kprom.yaml}: where to listen, which probe sets to run, and where their YAML lives.
 * <pre>
 * listen: 0.0.0.0:9436
 * probes_dir: probes          # relative to this file; built-in sets are found by name when absent here
 * probe_sets: [execve]
 * log_level: info
 * web_config_file: web.yml    # optional: TLS and basic auth, relative to this file
 * events_path: /events        # optional: live event records as NDJSON over HTTP (off when absent)
 * disable_attach: [fentry]     # optional: attach kinds never to use, e.g. where fentry misbehaves
 * </pre>
 */
public record DaemonConfig(
        String listen,
        String probesDir,
        List<String> probeSets,
        String logLevel,
        String webConfigFile,
        String eventsPath,
        List<String> disableAttach) {
    public static final String DEFAULT_LISTEN = "0.0.0.0:9436";

    public DaemonConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen;
        probesDir = probesDir == null ? "probes" : probesDir;
        probeSets = probeSets == null ? List.of() : List.copyOf(probeSets);
        logLevel = logLevel == null ? "info" : logLevel;
        disableAttach = disableAttach == null ? List.of() : List.copyOf(disableAttach);
    }

    /** disable_attach as attach kinds; names that are none are left out (validation reports them). */
    public Set<AttachSpec.Kind> disabledAttachKinds() {
        Set<AttachSpec.Kind> kinds = EnumSet.noneOf(AttachSpec.Kind.class);
        for (AttachSpec.Kind k : AttachSpec.Kind.values()) if (disableAttach.contains(k.yamlName())) kinds.add(k);
        return kinds;
    }
}
