package dev.kprom.testing;

import dev.kprom.agent.Daemon;
import dev.kprom.agent.config.ConfigLoader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kprom daemon on loopback running one probe set of a test's own, written into {@code dir}. */
public final class TestDaemons {
    private TestDaemons() {}

    /** Starts a daemon with {@code probes/<name>.yaml} holding {@code probeSet} as its only probe set. */
    public static Daemon withProbeSet(Path dir, String name, String probeSet) throws Exception {
        Files.createDirectories(dir.resolve("probes"));
        Files.writeString(dir.resolve("probes/" + name + ".yaml"), probeSet);
        Files.writeString(
                dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [" + name + "]\nwatch_config: false\n");
        return Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0));
    }
}
