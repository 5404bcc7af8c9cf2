package dev.kprom.agent.probe;

import dev.kprom.agent.config.ProbeSetConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a probe set's BPF object comes from: a bare file name is bundled in the jar, a path is on disk. */
public final class ProbeObjects {
    private ProbeObjects() {}

    /** {@code probe set execve (builtin:probes/execve.yaml)}: how errors name a probe set. */
    public static String describe(ProbeSetConfig config) {
        return "probe set " + config.name() + " (" + config.source() + ")";
    }

    /** The object an inventory probe set loads: its iterators (programs, maps, the processes holding them). */
    public static final String INVENTORY_OBJECT = "bpf_inventory.bpf.o";

    /** The probe set's object as configured, or the inventory's; null for foreign maps alone. */
    static String object(ProbeSetConfig config) {
        return config.spec().inventory() != null
                ? INVENTORY_OBJECT
                : config.spec().object();
    }

    /** The object's file name, as libbpf names the object ("(foreign maps)" for none). */
    public static String fileName(ProbeSetConfig config) {
        String object = object(config);
        return object == null ? "(foreign maps)" : Path.of(object).getFileName().toString();
    }

    /** The object's file when it is one on disk (not bundled in the jar): a config watcher watches it. */
    public static Path onDisk(ProbeSetConfig config) {
        String object = object(config);
        if (object == null) return null;
        if (!object.contains("/") && ProbeObjects.class.getClassLoader().getResource("bpf/" + object) != null)
            return null;
        Path base = config.baseDir() == null ? Path.of("") : config.baseDir();
        return base.resolve(object);
    }

    /**
     * The ELF bytes: {@code bpf/<name>} from the jar for a bare name (else beside the YAML), a path relative to the
     * YAML; none for foreign maps alone.
     */
    public static byte[] bytes(ProbeSetConfig config) {
        String object = object(config);
        if (object == null) return new byte[0]; // foreign maps alone: nothing to load
        try {
            if (!object.contains("/")) {
                try (InputStream in = ProbeObjects.class.getClassLoader().getResourceAsStream("bpf/" + object)) {
                    if (in != null) return in.readAllBytes();
                }
                if (config.baseDir() == null) {
                    throw new ProbeSetException(describe(config) + ": object " + object
                            + " is not bundled in kprom (no bpf/" + object + " in the jar)");
                }
            }
            Path base = config.baseDir() == null ? Path.of("") : config.baseDir();
            return Files.readAllBytes(base.resolve(object));
        } catch (IOException e) {
            throw new ProbeSetException(describe(config) + ": cannot read object " + object + ": " + e, e);
        }
    }
}
