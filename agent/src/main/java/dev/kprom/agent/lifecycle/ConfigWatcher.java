package dev.kprom.agent.lifecycle;

import dev.kprom.agent.config.KpromConfig;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.config.WebConfigLoader;
import dev.kprom.agent.probe.ProbeObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Tells when the configuration on disk changed: a digest of the contents of every file it is made of (kprom.yaml,
 * each YAML and object in the probes directory, the web config and the certificates it names, objects named by
 * path), read through symlinks. Contents, not times or events: a Kubernetes ConfigMap update swaps a {@code ..data}
 * symlink, which a digest sees and a watch on the visible files may not; an edit that leaves the bytes as they
 * were changes nothing. Hidden entries are skipped (the ConfigMap's own {@code ..data} tree is read through the
 * visible links).
 */
public final class ConfigWatcher {
    private final Supplier<List<Path>> files;
    private String last;

    /** {@code files}: the files and directories to digest, asked afresh each time (the config says which). */
    public ConfigWatcher(Supplier<List<Path>> files) {
        this.files = files;
        this.last = digest();
    }

    /** True once per change: whether the files differ from what they were when last asked (or at construction). */
    public boolean changed() {
        String now = digest();
        if (now.equals(last)) return false;
        last = now;
        return true;
    }

    /** The files {@code config} is made of, and the directory of its probe sets. */
    public static List<Path> filesOf(KpromConfig config, Path webConfigOverride) {
        List<Path> paths = new ArrayList<>();
        paths.add(config.file());
        paths.add(config.file()
                .toAbsolutePath()
                .getParent()
                .resolve(config.daemon().probesDir()));
        Path web = webConfigOverride != null ? webConfigOverride : config.webConfigFile();
        if (web != null) {
            paths.add(web);
            paths.addAll(WebConfigLoader.files(web));
        }
        for (ProbeSetConfig set : config.probeSets()) {
            Path object = ProbeObjects.onDisk(set);
            if (object != null) paths.add(object);
        }
        return paths;
    }

    String digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            TreeSet<Path> all = new TreeSet<>();
            for (Path p : files.get()) all.add(p.toAbsolutePath().normalize());
            for (Path p : all) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> entries = Files.list(p)) {
                        for (Path e : entries.filter(
                                        e -> !e.getFileName().toString().startsWith("."))
                                .filter(Files::isRegularFile)
                                .sorted()
                                .toList()) {
                            add(sha, e);
                        }
                    } catch (IOException e) {
                        sha.update(("unreadable " + p).getBytes(StandardCharsets.UTF_8));
                    }
                } else {
                    add(sha, p);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(MessageDigest sha, Path file) {
        sha.update(file.toString().getBytes(StandardCharsets.UTF_8));
        try {
            sha.update(Files.readAllBytes(file));
        } catch (IOException e) {
            sha.update(("missing " + e.getClass().getSimpleName()).getBytes(StandardCharsets.UTF_8));
        }
    }
}
