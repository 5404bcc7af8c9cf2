package dev.kprom.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.config.ProbeSetSpec;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped probe set loads on this kernel, and each one's numbers move by a known amount. */
@BpfTest
class BuiltinProbeSetsTest {
    private static final Path PROBES = Path.of("config/probes");

    static Stream<String> shipped() throws Exception {
        return Files.list(PROBES)
                .map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".yaml"))
                .map(n -> n.substring(0, n.length() - ".yaml".length()))
                .sorted();
    }

    private static ProbeSetLoader loader() {
        return new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), name -> CollectObserver.IGNORE);
    }

    private static ProbeSetConfig builtin(String name, Map<String, Object> constants) {
        ProbeSetConfig c = ConfigLoader.loadProbeSet(name, PROBES);
        ProbeSetSpec s = c.spec();
        return new ProbeSetConfig(
                c.name(),
                c.source(),
                c.baseDir(),
                new ProbeSetSpec(s.object(), constants, s.programs(), s.metrics(), s.events(), s.required()),
                c.text());
    }

    private static String scrape(ProbeSet set) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MultiCollector c : set.collectors())
            PrometheusTextFormatWriter.create().write(out, c.collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String comm(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void loadsOnThisKernelAndScrapes(String name) throws Exception {
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet(name, PROBES))) {
            assertThat(set.choices()).isNotEmpty();
            assertThat(set.collectors()).isNotEmpty();
            for (MultiCollector c : set.collectors()) {
                assertThat(c.collect().stream()).singleElement().satisfies(s -> assertThat(
                                s.getMetadata().getPrometheusName())
                        .startsWith("kprom_"));
            }
        }
    }

    @Test
    void syscallsCountsEachCallByNameAndComm() throws Exception {
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet("syscalls", PROBES))) {
            assertThat(set.choices().get(0).chosen().program()).isEqualTo("rtp_sys_enter");
            String comm = comm("kps");
            String old = Thread.currentThread().getName();
            Thread t = new Thread(
                    () -> {
                        TestLibC.prctl(TestLibC.PR_SET_NAME, comm, 0, 0, 0);
                        for (int i = 0; i < 5000; i++) TestLibC.getppid();
                    },
                    "syscalls-test");
            t.start();
            t.join();
            assertThat(Thread.currentThread().getName()).isEqualTo(old);
            assertThat(value(scrape(set), "kprom_syscalls_total{comm=\"" + comm + "\",syscall=\"getppid\"}"))
                    .isEqualTo(5000);
        }
    }

    @Test
    void runqueueLatencyCountsEveryWaitOfTheTargetProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        try (ProbeSet set = loader().load(builtin("runqueue_latency", Map.of("target_tgid", pid)))) {
            assertThat(set.choices())
                    .extracting(c -> c.chosen().program())
                    .containsExactly("btf_sched_wakeup", "btf_sched_wakeup_new", "btf_sched_switch");
            String count = "kprom_runqueue_latency_seconds_count";
            double before = value(scrape(set), count);
            int sleeps = 200;
            for (int i = 0; i < sleeps; i++) Thread.sleep(1); // each sleep ends in a wakeup, then a switch in
            String text = scrape(set);
            double waits = value(text, count) - before;
            // this thread's 200 wakeups, plus a bounded number from the JVM's other threads meanwhile
            assertThat(waits).isBetween((double) sleeps, sleeps * 20.0);
            assertThat(text)
                    .contains(
                            "kprom_runqueue_latency_seconds_bucket{le=\"1.0E-9\"}",
                            "kprom_runqueue_latency_seconds_bucket{le=\"+Inf\"}");
        }
    }

    @Test
    void oomkillCountsAVictimByItsComm(@TempDir Path dir) throws Exception {
        Path memory = Path.of("/sys/fs/cgroup/memory");
        boolean v1 = Files.isDirectory(memory) && Files.exists(memory.resolve("memory.limit_in_bytes"));
        Path root = v1 ? memory : Path.of("/sys/fs/cgroup");
        assertThat(v1 || Files.readString(root.resolve("cgroup.controllers")).contains("memory"))
                .as("a memory cgroup controller to make an OOM kill in")
                .isTrue();
        String comm = comm("kpo");
        Path hog = Files.copy(
                Path.of("/usr/bin/tail"), dir.resolve(comm)); // tail /dev/zero: memory grows, no newline ever
        Path cgroup = Files.createDirectory(root.resolve("kprom-test-" + comm));
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet("oomkill", PROBES))) {
            Files.writeString(cgroup.resolve(v1 ? "memory.limit_in_bytes" : "memory.max"), Long.toString(32L << 20));
            if (!v1) Files.writeString(cgroup.resolve("memory.swap.max"), "0");
            else if (Files.exists(cgroup.resolve("memory.memsw.limit_in_bytes"))) {
                Files.writeString(cgroup.resolve("memory.memsw.limit_in_bytes"), Long.toString(32L << 20));
            }
            Process p = new ProcessBuilder(
                            "sh",
                            "-c",
                            "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec " + hog + " /dev/zero")
                    .redirectErrorStream(true)
                    .start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("the hog was not OOM-killed within 60 s")
                    .isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 9); // SIGKILL from the OOM killer
            assertThat(value(scrape(set), "kprom_oom_kills_total{comm=\"" + comm + "\"}"))
                    .isEqualTo(1);
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

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    }

    @Test
    void tcpRetransmitsCountsSynRetransmissionsToAnUnansweringPeer() throws Exception {
        // A veth into a network namespace, with a static neighbour entry whose MAC nobody has: SYNs leave and
        // vanish, so TCP retransmits them (at about 1 s and 3 s) until connect() gives up after 3.5 s.
        String ns = "kpt" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 20), 36);
        String peer = "10.201.7.2";
        int port = 40000 + ThreadLocalRandom.current().nextInt(20000);
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet("tcp_retransmits", PROBES))) {
            sh("ip netns add " + ns + " && ip link add " + ns + "a type veth peer name " + ns + "b"
                    + " && ip link set " + ns + "b netns " + ns + " && ip addr add 10.201.7.1/30 dev " + ns + "a"
                    + " && ip link set " + ns + "a up && ip -n " + ns + " link set " + ns + "b up"
                    + " && ip neigh replace " + peer + " lladdr 02:00:00:00:00:99 dev " + ns + "a nud permanent");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(peer, port), 3500);
                throw new AssertionError("connected to a peer that cannot answer");
            } catch (SocketTimeoutException expected) {
                // the SYNs were dropped, as intended
            }
            String text = scrape(set);
            // Java's sockets are dual-stack AF_INET6 ones: the kernel reports family 10 and the IPv4-mapped
            // address ::ffff:10.201.7.2, which inet_ip prints as the IPv4 address it is.
            double n = value(
                    text, "kprom_tcp_retransmits_total{daddr=\"" + peer + "\",dport=\"" + port + "\",family=\"ipv6\"}");
            assertThat(n).as("%s\n%s", set.choices(), text).isBetween(1.0, 3.0);
        } finally {
            new ProcessBuilder("sh", "-c", "ip link del " + ns + "a; ip netns del " + ns)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void blockIoLatencyCountsEveryDirectReadOfALoopDevice(@TempDir Path dir) throws Exception {
        Path backing = dir.resolve("disk.img");
        try (var f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        Process attach = new ProcessBuilder("losetup", "--find", "--show", backing.toString()).start();
        String device = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(attach.waitFor()).isZero();
        String disk = Path.of(device).getFileName().toString();
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet("block_io_latency", PROBES))) {
            assertThat(set.choices())
                    .extracting(c -> c.chosen().program())
                    .containsExactly("btf_block_rq_issue", "btf_block_rq_complete");
            String count = "kprom_block_io_latency_seconds_count{disk=\"" + disk + "\",op=\"read\"}";
            double before = value(scrape(set), count);
            int reads = 300;
            sh("dd if=" + device + " of=/dev/null bs=4096 count=" + reads + " iflag=direct status=none");
            double n = value(scrape(set), count) - before;
            // each O_DIRECT read is one request; udev or blkid probing the new device may add a few
            assertThat(n).isBetween((double) reads, reads + 64.0);
        } finally {
            new ProcessBuilder("losetup", "-d", device).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
