package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.TestNetns;
import dev.kprom.testing.TestObjects;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packet hooks — xdp, tc, cgroup — on one test object counting UDP packets to a port: exact counts across a
 * veth pair into a test namespace (XDP, TC ingress and egress) and from a test cgroup's processes only; a missing
 * interface or a directory that is no cgroup v2 one is the reason; TC's filter goes when the probe set closes.
 */
@BpfTest
class PacketHooksTest {
    private static final Path CGROUP_V2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))
            ? Path.of("/sys/fs/cgroup")
            : Path.of("/sys/fs/cgroup/unified"); // cgroup v1 hosts mount v2 here (systemd's hybrid layout)

    private final int port = 40000 + ThreadLocalRandom.current().nextInt(20000);

    private ProbeSetConfig probeSet(String program, String attach) {
        return ConfigLoader.parseProbeSet(
                "packets",
                "packets.yaml",
                "object: " + TestObjects.path("packets_test.bpf.o") + "\n"
                        + "constants: {udp_port: " + port + "}\n"
                        + "programs:\n  - name: hook\n    attach: [{program: " + program + ", " + attach + "}]\n"
                        + "metrics:\n  counters:\n"
                        + "    - {name: packets_total, help: h, labels: [{name: hook, size: 4, decoders: [{name: uint},"
                        + " {name: static_map, map: {'0': xdp, '1': tc, '2': cgroup}}]}]}\n",
                null);
    }

    private static String filters(String dev, String direction) throws Exception {
        Process p = new ProcessBuilder("tc", "filter", "show", "dev", dev, direction).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void xdpCountsPacketsReceivedOnTheInterfaceExactly() throws Exception {
        try (TestNetns ns = TestNetns.create("kpx").veth("10.202.9.1/30", "10.202.9.2/30");
                ProbeSet set = loader().load(probeSet("xdp_count", "xdp: " + ns.hostDevice()))) {
            assertThat(set.status().programs().get(0).attach()).isEqualTo("xdp " + ns.hostDevice());
            ns.udp("10.202.9.1", port, 7);
            Thread.sleep(200);
            assertThat(scrape(set)).contains("kprom_packets_total{hook=\"xdp\"} 7.0");
        }
    }

    @Test
    void tcCountsIngressAndEgressExactlyAndItsFilterGoesOnClose() throws Exception {
        try (TestNetns ns = TestNetns.create("kpt").veth("10.202.10.1/30", "10.202.10.2/30")) {
            String dev = ns.hostDevice();
            try (ProbeSet set =
                    loader().load(probeSet("tc_count", "tc: {interface: " + dev + ", direction: ingress}"))) {
                assertThat(set.status().programs().get(0).attach()).isEqualTo("tc " + dev + " ingress");
                ns.udp("10.202.10.1", port, 7);
                assertThat(scrape(set)).contains("kprom_packets_total{hook=\"tc\"} 7.0");
                assertThat(filters(dev, "ingress")).contains("tc_count");
            }
            assertThat(filters(dev, "ingress")).doesNotContain("tc_count");
            try (ProbeSet set =
                    loader().load(probeSet("tc_count", "tc: {interface: " + dev + ", direction: egress}"))) {
                KernelEvents.sh("bash -c 'for i in 1 2 3 4; do echo x > /dev/udp/10.202.10.2/" + port + "; done'");
                assertThat(scrape(set)).contains("kprom_packets_total{hook=\"tc\"} 4.0");
            }
        }
    }

    @Test
    void cgroupCountsExactlyThePacketsItsProcessesSend() throws Exception {
        assertThat(CGROUP_V2.resolve("cgroup.controllers"))
                .as("a cgroup v2 hierarchy")
                .exists();
        Path cgroup = CGROUP_V2.resolve(
                "kprom-test-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36));
        Files.createDirectory(cgroup);
        try (ProbeSet set = loader().load(probeSet("count_egress", "cgroup: " + cgroup))) {
            KernelEvents.sh("bash -c 'echo $$ > " + cgroup.resolve("cgroup.procs")
                    + " && for i in 1 2 3 4 5 6; do echo x > /dev/udp/127.0.0.1/" + port + "; done'");
            KernelEvents.sh("bash -c 'for i in 1 2 3; do echo x > /dev/udp/127.0.0.1/" + port + "; done'"); // outside
            assertThat(scrape(set)).contains("kprom_packets_total{hook=\"cgroup\"} 6.0");
        } finally {
            KernelEvents.removeCgroup(cgroup);
        }
    }

    @Test
    void aMissingInterfaceOrANonCgroupDirectoryIsTheReason(@TempDir Path plain) {
        assertThatThrownBy(() -> loader().load(probeSet("xdp_count", "xdp: kpnosuch0")))
                .hasMessageContaining("xdp kpnosuch0 (program xdp_count): no network interface kpnosuch0");
        assertThatThrownBy(() -> loader().load(probeSet("count_egress", "cgroup: " + plain)))
                .hasMessageContaining(plain + " is not a cgroup v2 directory");
    }
}
