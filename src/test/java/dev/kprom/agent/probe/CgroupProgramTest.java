package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.TestObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup attach kind: a cgroup_skb/egress program on a test cgroup (this host's cgroup v2 hierarchy) counts
 * exactly the packets its processes send, not those of processes outside it; a v1 directory is refused.
 */
@BpfTest
class CgroupProgramTest {
    private static final Path V2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))
            ? Path.of("/sys/fs/cgroup")
            : Path.of("/sys/fs/cgroup/unified"); // cgroup v1 hosts mount v2 here (systemd's hybrid layout)

    private static ProbeSetConfig probeSet(String cgroup, int port) {
        return ConfigLoader.parseProbeSet(
                "cg",
                "cg.yaml",
                "object: " + TestObjects.path("cgroup_test.bpf.o") + "\n"
                        + "constants: {udp_port: " + port + "}\n"
                        + "programs:\n  - name: egress\n    attach: [{program: count_egress, cgroup: " + cgroup + "}]\n"
                        + "metrics:\n  counters:\n"
                        + "    - {name: sent_total, help: h, labels: [{name: slot, size: 4, decoders: [{name: uint}]}]}\n",
                null);
    }

    @Test
    void packetsSentByTheCgroupsProcessesAreCountedExactly() throws Exception {
        assertThat(V2.resolve("cgroup.controllers")).as("a cgroup v2 hierarchy").exists();
        Path cgroup = V2.resolve(
                "kprom-test-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36));
        Files.createDirectory(cgroup);
        int port = 40000 + ThreadLocalRandom.current().nextInt(20000);
        try (ProbeSet set = loader().load(probeSet(cgroup.toString(), port))) {
            KernelEvents.sh("bash -c 'echo $$ > " + cgroup.resolve("cgroup.procs")
                    + " && for i in 1 2 3 4 5 6; do echo x > /dev/udp/127.0.0.1/" + port + "; done'");
            KernelEvents.sh("bash -c 'for i in 1 2 3; do echo x > /dev/udp/127.0.0.1/" + port + "; done'"); // outside
            assertThat(scrape(set)).contains("kprom_sent_total{slot=\"0\"} 6.0");
        } finally {
            for (int i = 0; i < 50 && Files.exists(cgroup); i++) {
                try {
                    Files.delete(cgroup);
                } catch (IOException busy) {
                    Thread.sleep(100);
                }
            }
        }
    }

    @Test
    void aDirectoryThatIsNoCgroupV2OneIsRefusedWithTheReason(@TempDir Path plain) {
        // a cgroup v1 directory (or any other) has no cgroup.controllers
        assertThatThrownBy(() -> loader().load(probeSet(plain.toString(), 9)))
                .hasMessageContaining(plain + " is not a cgroup v2 directory");
    }
}
