package dev.kprom.agent.config;

import java.nio.file.Path;
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
 * events_unauthenticated: false  # serve them on a non-loopback address without basic auth (warned about)
 * disable_attach: [fentry]     # optional: attach kinds never to use, e.g. where fentry misbehaves
 * enable_lifecycle: false     # POST /-/reload reloads the config (off by default, as in Prometheus)
 * watch_config: true          # reload when these files change on disk (a ConfigMap update, say)
 * pin_maps: false             # pin probe sets' maps under bpffs so counters survive restarts and upgrades
 * pin_dir: /sys/fs/bpf/kprom  # where: one directory per probe set, one pin per map
 * btf_path: /var/lib/btfhub   # kernels without /sys/kernel/btf/vmlinux: a BTF file, or a directory of <release>.btf
 * kubernetes: {pod_labels: [app]}  # pod metadata for the kube_* decoders ({@link KubernetesSpec})
 * </pre>
 */
public record DaemonConfig(
        String listen,
        String probesDir,
        List<String> probeSets,
        String logLevel,
        String webConfigFile,
        String eventsPath,
        List<String> disableAttach,
        Boolean enableLifecycle,
        Boolean watchConfig,
        Boolean pinMaps,
        String pinDir,
        Boolean eventsUnauthenticated,
        String btfPath,
        KubernetesSpec kubernetes) {
    public static final String DEFAULT_LISTEN = "0.0.0.0:9436";

    public DaemonConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen;
        probesDir = probesDir == null ? "probes" : probesDir;
        probeSets = probeSets == null ? List.of() : List.copyOf(probeSets);
        logLevel = logLevel == null ? "info" : logLevel;
        disableAttach = disableAttach == null ? List.of() : List.copyOf(disableAttach);
        enableLifecycle = enableLifecycle != null && enableLifecycle;
        watchConfig = watchConfig == null || watchConfig;
        pinMaps = pinMaps != null && pinMaps;
        pinDir = pinDir == null ? "/sys/fs/bpf/kprom" : pinDir;
        eventsUnauthenticated = eventsUnauthenticated != null && eventsUnauthenticated;
        kubernetes = kubernetes == null ? KubernetesSpec.DEFAULT : kubernetes;
    }

    /** Where maps are pinned, or null when pinning is off. */
    public Path pinPath() {
        return pinMaps ? Path.of(pinDir) : null;
    }

    /** disable_attach as attach kinds; names that are none are left out (validation reports them). */
    public Set<AttachSpec.Kind> disabledAttachKinds() {
        Set<AttachSpec.Kind> kinds = EnumSet.noneOf(AttachSpec.Kind.class);
        for (AttachSpec.Kind k : AttachSpec.Kind.values()) if (disableAttach.contains(k.yamlName())) kinds.add(k);
        return kinds;
    }
}
