package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.comm;
import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.config.ProbeSetSpec;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.LoadedProbes;
import dev.kprom.testing.TestLibC;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
                .filter(n ->
                        !LoadedProbes.NEED_FENTRY_OR_KPROBES.contains(n.substring(0, n.length() - ".yaml".length())))
                .map(n -> n.substring(0, n.length() - ".yaml".length()))
                .sorted();
    }

    private static ProbeSetConfig builtin(String name, Map<String, Object> constants) {
        ProbeSetConfig c = ConfigLoader.loadProbeSet(name, PROBES);
        ProbeSetSpec s = c.spec();
        return new ProbeSetConfig(
                c.name(),
                c.source(),
                c.baseDir(),
                new ProbeSetSpec(
                        s.object(),
                        constants,
                        s.kaddrs(),
                        s.programs(),
                        s.tailCalls(),
                        s.iterators(),
                        s.inventory(),
                        s.foreignMaps(),
                        s.metrics(),
                        s.events(),
                        s.required()),
                c.text());
    }

    @Test
    void theProbeSetsThatNeedFentryOrKprobesAreReadFromTheirAttachAlternatives() {
        assertThat(LoadedProbes.NEED_FENTRY_OR_KPROBES)
                .containsExactlyInAnyOrder("fs_latency", "cfs_throttling", "tcp_accept_latency", "tcp_window_clamps");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void loadsOnThisKernelAndScrapes(String name) throws Exception {
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet(name, PROBES))) {
            assertThat(set.status().programs()).isNotEmpty(); // attached programs, or iterators
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
        String comm = comm("kpo");
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet("oomkill", PROBES))) {
            KernelEvents.oomKill(dir, comm);
            assertThat(value(scrape(set), "kprom_oom_kills_total{comm=\"" + comm + "\"}"))
                    .isEqualTo(1);
        }
    }

    @Test
    void tcpRetransmitsCountsSynRetransmissionsToAnUnansweringPeer() throws Exception {
        String peer = "10.201.7.2";
        int port = 40000 + ThreadLocalRandom.current().nextInt(20000);
        try (ProbeSet set = loader().load(ConfigLoader.loadProbeSet("tcp_retransmits", PROBES))) {
            KernelEvents.synRetransmits(peer, port); // SYNs at about 1 s and 3 s, then connect() gives up
            String text = scrape(set);
            // Java's sockets are dual-stack AF_INET6 ones: the kernel reports family 10 and the IPv4-mapped
            // address ::ffff:10.201.7.2, which inet_ip prints as the IPv4 address it is.
            double n = value(
                    text, "kprom_tcp_retransmits_total{daddr=\"" + peer + "\",dport=\"" + port + "\",family=\"ipv6\"}");
            assertThat(n).as("%s\n%s", set.choices(), text).isBetween(1.0, 3.0);
        }
    }

    @Test
    void blockIoLatencyCountsEveryDirectReadOfALoopDevice(@TempDir Path dir) throws Exception {
        try (KernelEvents.LoopDevice loop = new KernelEvents.LoopDevice(dir);
                ProbeSet set = loader().load(ConfigLoader.loadProbeSet("block_io_latency", PROBES))) {
            assertThat(set.choices())
                    .extracting(c -> c.chosen().program())
                    .containsExactly("btf_block_rq_issue", "btf_block_rq_complete");
            String count = "kprom_block_io_latency_seconds_count{disk=\"" + loop.disk() + "\",op=\"read\"}";
            double before = value(scrape(set), count);
            int reads = 300;
            loop.read(reads);
            double n = value(scrape(set), count) - before;
            // each O_DIRECT read is one request; udev or blkid probing the new device may add a few
            assertThat(n).isBetween((double) reads, reads + 64.0);
        }
    }
}
