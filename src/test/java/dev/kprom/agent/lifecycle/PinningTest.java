package dev.kprom.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.bpf.Bpffs;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KpromProcess;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pin_maps: counters survive kill -9 and a restart; a probe set that leaves the config leaves no pin behind. */
@BpfTest
class PinningTest {
    @Test
    void countsCarryOnAcrossKillAndRestartAndPinsLeaveWithTheirProbeSet(@TempDir Path dir) throws Exception {
        Path pins = Path.of("/sys/fs/bpf/kprom-test-"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
        Path config = dir.resolve("kprom.yaml");
        String pinning = "pin_maps: true\npin_dir: " + pins + "\nwatch_config: false\n";
        Files.writeString(config, "listen: 127.0.0.1:0\nprobe_sets: [execve, oomkill]\n" + pinning);
        String comm = "kpp" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Path shell = Files.copy(Path.of("/bin/sh"), dir.resolve(comm));
        String series = "kprom_execve_total{comm=\"" + comm + "\",uid=\"0\"}";
        try {
            try (KpromProcess first = KpromProcess.start(config, dir.resolve("first.log"))) {
                InetSocketAddress address = first.address();
                execs(shell, 9);
                assertThat(Scrape.value(Scrape.get(address, "/metrics").body(), series))
                        .isEqualTo(9);
                assertThat(pins.resolve("execve/execve_total")).exists();
                assertThat(pins.resolve("oomkill/oom_kills_total")).exists();
                first.process.destroyForcibly(); // kill -9: no shutdown of any kind
                assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            execs(shell, 2); // nothing counts these: no program is attached between the two runs

            Files.writeString(config, "listen: 127.0.0.1:0\nprobe_sets: [execve]\n" + pinning);
            try (KpromProcess second = KpromProcess.start(config, dir.resolve("second.log"))) {
                InetSocketAddress address = second.address();
                execs(shell, 4);
                assertThat(Scrape.value(Scrape.get(address, "/metrics").body(), series))
                        .isEqualTo(13);
                assertThat(second.log())
                        .contains("removed the pinned maps of probe sets no longer configured: [oomkill]");
                assertThat(pins.resolve("oomkill")).doesNotExist();
                assertThat(pins.resolve("execve/execve_total")).exists();
                second.signal("TERM");
                assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(pins.resolve("execve/execve_total"))
                    .as("a clean stop keeps the pins for the next start")
                    .exists();
        } finally {
            Bpffs.remove(pins);
        }
    }

    private static void execs(Path shell, int n) throws Exception {
        Process p = new ProcessBuilder(
                        shell.toString(), "-c", "i=0; while [ $i -lt " + n + " ]; do /bin/true; i=$((i+1)); done")
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
    }
}
