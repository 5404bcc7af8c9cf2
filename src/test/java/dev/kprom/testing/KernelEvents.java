package dev.kprom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Makes the kernel do what the built-in probes watch: OOM kills, SYN retransmissions, block I/O. Needs root. */
public final class KernelEvents {
    private KernelEvents() {}

    /** Runs {@code command} with sh and asserts it succeeded. */
    public static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    }

    /**
     * Starts a copy of tail named {@code comm} reading /dev/zero (memory grows, no newline ever comes) in a memory
     * cgroup limited to 32 MiB, and waits for the OOM killer to kill it. cgroup v1 or v2.
     */
    public static void oomKill(Path dir, String comm, Path... alsoIn) throws Exception {
        Path memory = Path.of("/sys/fs/cgroup/memory");
        boolean v1 = Files.isDirectory(memory) && Files.exists(memory.resolve("memory.limit_in_bytes"));
        Path root = v1 ? memory : Path.of("/sys/fs/cgroup");
        assertThat(v1 || Files.readString(root.resolve("cgroup.controllers")).contains("memory"))
                .as("a memory cgroup controller to make an OOM kill in")
                .isTrue();
        assertThat(v1 || alsoIn.length == 0)
                .as("cgroups of other hierarchies to put the hog in (on a host with a v1 memory controller)")
                .isTrue();
        Path hog = Files.copy(Path.of("/usr/bin/tail"), dir.resolve(comm));
        Path cgroup = Files.createDirectory(root.resolve("kprom-test-" + comm));
        try {
            Files.writeString(cgroup.resolve(v1 ? "memory.limit_in_bytes" : "memory.max"), Long.toString(32L << 20));
            if (!v1) Files.writeString(cgroup.resolve("memory.swap.max"), "0");
            else if (Files.exists(cgroup.resolve("memory.memsw.limit_in_bytes"))) {
                Files.writeString(cgroup.resolve("memory.memsw.limit_in_bytes"), Long.toString(32L << 20));
            }
            Process p = new ProcessBuilder(
                            "sh",
                            "-c",
                            Arrays.stream(alsoIn)
                                            .map(c -> "echo $$ > " + c.resolve("cgroup.procs") + " && ")
                                            .collect(Collectors.joining())
                                    + "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec " + hog + " /dev/zero")
                    .redirectErrorStream(true)
                    .start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("the hog was not OOM-killed within 60 s")
                    .isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 9); // SIGKILL from the OOM killer
        } finally {
            removeCgroup(cgroup);
        }
    }

    /**
     * Removes the (leaf) cgroup directory {@code cgroup}, retrying for up to 5 s while it still holds the processes
     * that just ended (the kernel frees a cgroup a little after its last process).
     */
    public static void removeCgroup(Path cgroup) throws InterruptedException {
        for (int i = 0; i < 50 && Files.exists(cgroup); i++) {
            try {
                Files.delete(cgroup);
            } catch (IOException busy) {
                Thread.sleep(100);
            }
        }
    }

    /**
     * One connect() to {@code peer}:{@code port} that never completes: a veth into a fresh network namespace with a
     * static neighbour entry whose MAC nobody has, so SYNs leave and vanish and TCP retransmits them (at about 1 s
     * and 3 s) until connect() gives up after 3.5 s. The namespace and veth are removed after.
     */
    public static void synRetransmits(String peer, int port) throws Exception {
        String prefix = peer.substring(0, peer.lastIndexOf('.') + 1);
        try (TestNetns ns = TestNetns.create("kpt").veth(prefix + "1/30", null)) {
            sh("ip neigh replace " + peer + " lladdr 02:00:00:00:00:99 dev " + ns.hostDevice() + " nud permanent");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(peer, port), 3500);
                throw new AssertionError("connected to a peer that cannot answer");
            } catch (SocketTimeoutException expected) {
                // the SYNs were dropped, as intended
            }
        }
    }

    /** An 8 MiB loop device over a file in {@code dir}, for block I/O the test controls. */
    public static final class LoopDevice implements AutoCloseable {
        private final String device;

        public LoopDevice(Path dir) throws Exception {
            Path backing = dir.resolve("disk.img");
            try (var f = new RandomAccessFile(backing.toFile(), "rw")) {
                f.setLength(8L << 20);
            }
            Process attach = new ProcessBuilder("losetup", "--find", "--show", backing.toString()).start();
            device = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(attach.waitFor()).isZero();
        }

        /** The disk's name, as block_io_latency labels it ("loop3"). */
        public String disk() {
            return Path.of(device).getFileName().toString();
        }

        /** {@code reads} direct 4 KiB reads: one block request each. */
        public void read(int reads) throws Exception {
            sh("dd if=" + device + " of=/dev/null bs=4096 count=" + reads + " iflag=direct status=none");
        }

        @Override
        public void close() throws Exception {
            new ProcessBuilder("losetup", "-d", device).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
