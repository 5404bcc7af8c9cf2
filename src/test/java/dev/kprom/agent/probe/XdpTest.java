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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The xdp attach kind: exact packets across a veth pair into a test network namespace; a missing interface named. */
@BpfTest
class XdpTest {
    private static ProbeSetConfig probeSet(String iface, int port) {
        return ConfigLoader.parseProbeSet(
                "xdp",
                "xdp.yaml",
                "object: " + TestObjects.path("xdp_test.bpf.o") + "\n"
                        + "constants: {udp_port: " + port + "}\n"
                        + "programs:\n  - name: rx\n    attach: [{program: xdp_count, xdp: " + iface + "}]\n"
                        + "metrics:\n  counters:\n"
                        + "    - {name: udp_packets_total, help: h, labels: [{name: slot, size: 4, decoders: [{name: uint}]}]}\n",
                null);
    }

    @Test
    void packetsReceivedOnTheInterfaceAreCountedExactly() throws Exception {
        String ns = "kpx" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 20), 36);
        int port = 40000 + ThreadLocalRandom.current().nextInt(20000);
        try {
            KernelEvents.sh("ip netns add " + ns + " && ip link add " + ns + "a type veth peer name " + ns + "b"
                    + " && ip link set " + ns + "b netns " + ns + " && ip addr add 10.202.9.1/30 dev " + ns + "a"
                    + " && ip link set " + ns + "a up && ip -n " + ns + " addr add 10.202.9.2/30 dev " + ns + "b"
                    + " && ip -n " + ns + " link set " + ns + "b up");
            try (ProbeSet set = loader().load(probeSet(ns + "a", port))) {
                assertThat(set.status().programs().get(0).attach()).isEqualTo("xdp " + ns + "a");
                KernelEvents.sh("ip netns exec " + ns + " bash -c 'for i in 1 2 3 4 5 6 7; do echo x >"
                        + " /dev/udp/10.202.9.1/" + port + "; done'");
                Thread.sleep(200);
                assertThat(scrape(set)).contains("kprom_udp_packets_total{slot=\"0\"} 7.0");
            }
        } finally {
            new ProcessBuilder("sh", "-c", "ip link del " + ns + "a; ip netns del " + ns)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMissingInterfaceIsTheReason() {
        assertThatThrownBy(() -> loader().load(probeSet("kpnosuch0", 9)))
                .hasMessageContaining("xdp kpnosuch0 (program xdp_count): no network interface kpnosuch0");
    }
}
