package dev.kprom.agent.config;

import dev.kprom.agent.btf.KernelBtf;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code kprom.yaml} and the probe sets it enables, validating everything before kprom touches the
 * kernel; every error of every file is reported together in one {@link ConfigException}.
 */
public final class ConfigLoader {
    private static final Set<String> RESERVED_PATHS =
            Set.of("/", "/metrics", "/healthz", "/readyz", "/probes", "/-/reload");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    private ConfigLoader() {}

    public static KpromConfig load(Path file) {
        List<ConfigError> errors = new ArrayList<>();
        String label = file.toString();
        String text = read(file, label);
        Problems problems = new Problems(label, text);
        DaemonConfig daemon = YamlBinder.bind(text, DaemonConfig.class, problems);
        if (daemon == null) problems.throwIfAny();
        checkDaemon(daemon, problems);
        errors.addAll(problems.errors());

        Path probesDir = file.toAbsolutePath().getParent().resolve(daemon.probesDir());
        List<ProbeSetConfig> sets = new ArrayList<>();
        for (int i = 0; i < daemon.probeSets().size(); i++) {
            String name = daemon.probeSets().get(i);
            if (name == null || !name.matches("[a-z0-9_-]+")) continue; // reported by checkDaemon
            ProbeSetConfig set = collect(errors, () -> loadProbeSet(name, probesDir));
            if (set != null) sets.add(set);
        }
        if (!errors.isEmpty()) throw new ConfigException(errors);
        return new KpromConfig(file, daemon, sets);
    }

    /** {@code <probesDir>/<name>.yaml} when present, else the built-in set of that name from the jar. */
    public static ProbeSetConfig loadProbeSet(String name, Path probesDir) {
        Path onDisk = probesDir.resolve(name + ".yaml");
        if (Files.exists(onDisk)) {
            return parseProbeSet(
                    name,
                    onDisk.toString(),
                    read(onDisk, onDisk.toString()),
                    onDisk.toAbsolutePath().getParent());
        }
        String resource = "probes/" + name + ".yaml";
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(List.of(new ConfigError(
                        onDisk.toString(),
                        0,
                        0,
                        "",
                        "probe set \"" + name
                                + "\" not found (no such file, and no built-in probe set of that name)")));
            }
            return parseProbeSet(
                    name, "builtin:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(resource, 0, 0, "", "cannot read: " + e.getMessage())));
        }
    }

    public static ProbeSetConfig parseProbeSet(String name, String label, String text, Path baseDir) {
        Problems problems = new Problems(label, text);
        ProbeSetSpec spec = YamlBinder.bind(text, ProbeSetSpec.class, problems);
        if (spec != null) ProbeSetValidation.check(spec, problems);
        problems.throwIfAny();
        return new ProbeSetConfig(name, label, baseDir, spec, text);
    }

    private static void checkDaemon(DaemonConfig d, Problems problems) {
        d.kubernetes().check(problems);
        try {
            KernelBtf.resolve(d.btfPath(), KernelBtf.release());
        } catch (IllegalArgumentException e) {
            problems.add("btf_path", e.getMessage());
        }
        if (d.pinMaps() && !Path.of(d.pinDir()).isAbsolute()) {
            problems.add(
                    "pin_dir",
                    "must be an absolute path on bpffs, such as /sys/fs/bpf/kprom (got \"" + d.pinDir() + "\")");
        }
        try {
            parseListen(d.listen());
        } catch (IllegalArgumentException e) {
            problems.add("listen", e.getMessage());
        }
        if (d.probeSets().isEmpty()) problems.add("probe_sets", "at least one probe set is required");
        for (int i = 0; i < d.probeSets().size(); i++) {
            String name = d.probeSets().get(i);
            if (name == null || !name.matches("[a-z0-9_-]+")) {
                problems.add("probe_sets[" + i + "]", "must be a probe set name, [a-z0-9_-]+ (got " + name + ")");
            }
        }
        if (d.eventsPath() != null
                && (!d.eventsPath().matches("/[A-Za-z0-9._~/-]*") || RESERVED_PATHS.contains(d.eventsPath()))) {
            problems.add("events_path", "must be a path of its own, such as /events (got \"" + d.eventsPath() + "\")");
        }
        List<String> kinds = Arrays.stream(AttachSpec.Kind.values())
                .map(AttachSpec.Kind::yamlName)
                .toList();
        for (int i = 0; i < d.disableAttach().size(); i++) {
            if (!kinds.contains(d.disableAttach().get(i))) {
                problems.add(
                        "disable_attach[" + i + "]",
                        "must be one of " + String.join(", ", kinds) + " (got \""
                                + d.disableAttach().get(i) + "\")");
            }
        }
        if (!LOG_LEVELS.contains(d.logLevel())) {
            problems.add("log_level", "must be one of trace, debug, info, warn, error (got \"" + d.logLevel() + "\")");
        }
    }

    /** "0.0.0.0:9436", "127.0.0.1:0", "[::1]:9436", ":9436". */
    public static InetSocketAddress parseListen(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("must be host:port (got \"" + listen + "\")");
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number (got \"" + listen + "\")");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0-65535 (got " + port + ")");
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static String read(Path file, String label) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigError(label, 0, 0, "", "no such file")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(label, 0, 0, "", "cannot read: " + e.getMessage())));
        }
    }

    private interface Step<T> {
        T run();
    }

    private static <T> T collect(List<ConfigError> errors, Step<T> step) {
        try {
            return step.run();
        } catch (ConfigException e) {
            errors.addAll(e.errors());
            return null;
        }
    }
}
