package dev.kprom.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kprom.agent.btf.KernelBtf;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.KpromConfig;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.probe.ProbeSetBinder;
import dev.kprom.agent.probe.ProbeSetException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kprom check-config [FILE...]}: validates daemon configs and probe-set files, then checks each probe set
 * against its BPF object (opened, never loaded: no root needed, nothing attached). Prints every error; exits 2
 * if there is any. A file with an {@code object} key is a probe set; any other is a daemon config.
 */
@Command(
        name = "check-config",
        mixinStandardHelpOptions = true,
        description = "Check configuration files, and each probe set against its BPF object, without loading anything.")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(
            arity = "0..*",
            paramLabel = "FILE",
            description = "daemon or probe-set YAML files (default: config/kprom.yaml)")
    List<Path> files = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (files.isEmpty()) files = List.of(Path.of("config/kprom.yaml"));
        boolean ok = true;
        for (Path file : files) {
            try {
                List<ProbeSetConfig> sets = new ArrayList<>();
                if (isProbeSet(file)) {
                    String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                    sets.add(ConfigLoader.parseProbeSet(
                            name,
                            file.toString(),
                            Files.readString(file),
                            file.toAbsolutePath().getParent()));
                } else {
                    KpromConfig config = ConfigLoader.load(file);
                    Daemon.useBtf(config);
                    if (KernelBtf.inUse() != null) out.println(file + ": BTF for CO-RE: " + KernelBtf.describe());
                    sets.addAll(config.probeSets());
                }
                List<String> errors = new ArrayList<>();
                for (ProbeSetConfig set : sets) {
                    try {
                        ProbeSetBinder.check(set);
                    } catch (ConfigException | ProbeSetException e) {
                        errors.add(e.getMessage());
                    }
                }
                if (!errors.isEmpty()) throw new IllegalStateException(String.join("\n", errors));
                out.println(file + ": OK (" + sets.size() + " probe set" + (sets.size() == 1 ? "" : "s") + ": "
                        + String.join(
                                ", ", sets.stream().map(ProbeSetConfig::name).toList()) + ")");
            } catch (ConfigException | IllegalStateException | ProbeSetException e) {
                err.println(e.getMessage());
                ok = false;
            } catch (IOException e) {
                err.println(file + ": cannot read: " + e.getMessage());
                ok = false;
            }
        }
        out.flush();
        err.flush();
        return ok ? 0 : Main.EXIT_CONFIG;
    }

    private static boolean isProbeSet(Path file) throws IOException {
        if (!Files.exists(file)) return false; // reported as missing by the daemon-config path
        try {
            JsonNode root = new YAMLMapper().readTree(file.toFile());
            return root != null && root.has("object");
        } catch (IOException e) {
            return file.toString().contains("probes"); // unparseable: let the probe-set parser report where
        }
    }
}
