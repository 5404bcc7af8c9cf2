package dev.kprom.testing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of a test's own (loopback up), optionally joined to this one by a veth pair; closing removes
 * both. Needs root.
 */
public final class TestNetns implements AutoCloseable {
    private final String name;
    private boolean veth;

    private TestNetns(String name) {
        this.name = name;
    }

    /** A fresh namespace named {@code prefix} plus random letters (short: veth names take 15 characters). */
    public static TestNetns create(String prefix) throws Exception {
        TestNetns ns =
                new TestNetns(prefix + Long.toString(ThreadLocalRandom.current().nextLong(1L << 20), 36));
        KernelEvents.sh("ip netns add " + ns.name + " && ip -n " + ns.name + " link set lo up");
        return ns;
    }

    /**
     * A veth pair up on both sides: {@link #hostDevice()} here with {@code hostCidr}, its peer in the namespace with
     * {@code nsCidr} (null: no address).
     */
    public TestNetns veth(String hostCidr, String nsCidr) throws Exception {
        String a = hostDevice(), b = name + "b";
        veth = true;
        KernelEvents.sh("ip link add " + a + " type veth peer name " + b + " && ip link set " + b + " netns " + name
                + " && ip addr add " + hostCidr + " dev " + a + " && ip link set " + a + " up"
                + (nsCidr == null ? "" : " && ip -n " + name + " addr add " + nsCidr + " dev " + b)
                + " && ip -n " + name + " link set " + b + " up");
        return this;
    }

    /** The host side of the veth pair. */
    public String hostDevice() {
        return name + "a";
    }

    /** Runs {@code script} with bash inside the namespace, and asserts it succeeded. */
    public void bash(String script) throws Exception {
        KernelEvents.sh("ip netns exec " + name + " bash -c '" + script + "'");
    }

    /** Sends {@code count} UDP datagrams from inside the namespace to {@code address}:{@code port}. */
    public void udp(String address, int port, int count) throws Exception {
        bash("for i in $(seq " + count + "); do echo x > /dev/udp/" + address + "/" + port + "; done");
    }

    @Override
    public void close() throws Exception {
        String cleanup = (veth ? "ip link del " + hostDevice() + "; " : "") + "ip netns del " + name;
        new ProcessBuilder("sh", "-c", cleanup).start().waitFor(30, TimeUnit.SECONDS);
    }
}
