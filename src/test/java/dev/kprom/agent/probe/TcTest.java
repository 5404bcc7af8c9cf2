package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.TestObjects;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The tc attach kind: exact packets at a veth's ingress and egress; the filter goes when the probe set closes. */
@BpfTest
class TcTest {
    private static ProbeSetConfig probeSet(String iface, String direction, int port) {
        return ConfigLoader.parseProbeSet(
                "tc",
                "tc.yaml",
                "object: " + TestObjects.path("tc_test.bpf.o") + "\n"
                        + "constants: {udp_port: " + port + "}\n"
                        + "programs:\n  - name: hook\n    attach: [{program: tc_count, tc: {interface: " + iface
                        + ", direction: " + direction + "}}]\n"
                        + "metrics:\n  counters:\n"
                        + "    - {name: tc_packets_total, help: h, labels: [{name: slot, size: 4, decoders: [{name: uint}]}]}\n",
                null);
    }

    private static String filters(String dev, String direction) throws Exception {
        Process p = new ProcessBuilder("tc", "filter", "show", "dev", dev, direction).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void ingressAndEgressPacketsAreCountedExactlyAndTheFilterGoesOnClose() throws Exception {
        String ns = "kpt" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 20), 36);
        String dev = ns + "a";
        int port = 40000 + ThreadLocalRandom.current().nextInt(20000);
        try {
            KernelEvents.sh("ip netns add " + ns + " && ip link add " + dev + " type veth peer name " + ns + "b"
                    + " && ip link set " + ns + "b netns " + ns + " && ip addr add 10.202.10.1/30 dev " + dev
                    + " && ip link set " + dev + " up && ip -n " + ns + " addr add 10.202.10.2/30 dev " + ns + "b"
                    + " && ip -n " + ns + " link set " + ns + "b up");
            try (ProbeSet set = loader().load(probeSet(dev, "ingress", port))) {
                assertThat(set.status().programs().get(0).attach()).isEqualTo("tc " + dev + " ingress");
                KernelEvents.sh("ip netns exec " + ns + " bash -c 'for i in 1 2 3 4 5 6 7; do echo x >"
                        + " /dev/udp/10.202.10.1/" + port + "; done'");
                assertThat(scrape(set)).contains("kprom_tc_packets_total{slot=\"0\"} 7.0");
                assertThat(filters(dev, "ingress")).contains("tc_count");
            }
            assertThat(filters(dev, "ingress")).doesNotContain("tc_count");
            try (ProbeSet set = loader().load(probeSet(dev, "egress", port))) {
                KernelEvents.sh("bash -c 'for i in 1 2 3 4; do echo x > /dev/udp/10.202.10.2/" + port + "; done'");
                assertThat(scrape(set)).contains("kprom_tc_packets_total{slot=\"0\"} 4.0");
            }
        } finally {
            new ProcessBuilder("sh", "-c", "ip link del " + dev + "; ip netns del " + ns)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }
}
