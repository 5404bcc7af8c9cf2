package dev.kprom.agent.convert;

import static dev.kprom.testing.LoadedProbes.comm;
import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetBinder;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Cli;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.TestLibC;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kprom convert ebpf-exporter} on configs written in ebpf_exporter's format for five of kprom's own probes
 * (src/test/resources/ebpf-exporter): each converted probe set passes check-config, loads next to the built-in one
 * for the same object, and after the kernel does what the probe watches, produces the same series with the same
 * values as the built-in.
 */
@BpfTest
class ConvertedProbeSetsTest {
    private static final Path PROBES = Path.of("config/probes");
    private static final Path CONFIGS = Path.of("src/test/resources/ebpf-exporter");

    private static ProbeSetConfig converted(Path dir, String name, String... programs) throws Exception {
        Path out = dir.resolve(name + ".yaml");
        Cli.Run run = Cli.run(
                "convert",
                "ebpf-exporter",
                CONFIGS.resolve(name + ".yaml").toString(),
                "--object",
                "target/bpf/" + name + ".bpf.o",
                "--programs",
                String.join(",", programs),
                "-o",
                out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).as("nothing left unconverted").isEmpty();
        ProbeSetConfig config =
                ConfigLoader.parseProbeSet(name + "_converted", out.toString(), Files.readString(out), dir);
        ProbeSetBinder.check(config); // what kprom check-config does with it
        assertThat(Cli.run("check-config", out.toString()).code()).isZero();
        return config;
    }

    /** The lines of {@code text} that name {@code needle}: the series the test made. */
    private static List<String> seriesWith(String text, String needle) {
        return text.lines()
                .filter(l -> !l.startsWith("#") && l.contains(needle))
                .sorted()
                .toList();
    }

    /**
     * The converted probe set's series naming {@code needle} equal the built-in's. Both count the same kernel events
     * into their own maps; the built-in is read before and after the converted one, and a pass where something
     * happened meanwhile (a late syscall, udev probing a disk) is tried again.
     */
    private static void assertSameSeries(ProbeSet builtin, ProbeSet converted, String needle, int expected)
            throws Exception {
        for (int attempt = 0; ; attempt++) {
            List<String> before = seriesWith(scrape(builtin), needle);
            List<String> theirs = seriesWith(scrape(converted), needle);
            List<String> after = seriesWith(scrape(builtin), needle);
            if (before.equals(after) || attempt == 10) {
                assertThat(theirs).hasSizeGreaterThanOrEqualTo(expected).isEqualTo(after);
                return;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void execve(@TempDir Path dir) throws Exception {
        String comm = comm("kcx");
        Path shell = Files.copy(Path.of("/bin/sh"), dir.resolve(comm));
        try (ProbeSet builtin = loader().load(ConfigLoader.loadProbeSet("execve", PROBES));
                ProbeSet converted = loader().load(converted(dir, "execve", "tp_execve"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(new ProcessBuilder(shell.toString(), "-c", "/bin/true")
                                .start()
                                .waitFor(10, TimeUnit.SECONDS))
                        .isTrue();
            }
            assertSameSeries(builtin, converted, "comm=\"" + comm + "\"", 1);
            assertThat(scrape(converted)).contains("comm=\"" + comm + "\",uid=\"0\"} 3.0");
        }
    }

    @Test
    void syscalls(@TempDir Path dir) throws Exception {
        String comm = comm("kcs");
        try (ProbeSet builtin = loader().load(ConfigLoader.loadProbeSet("syscalls", PROBES));
                ProbeSet converted = loader().load(converted(dir, "syscalls", "rtp_sys_enter"))) {
            Thread t = new Thread(() -> {
                TestLibC.prctl(TestLibC.PR_SET_NAME, comm, 0, 0, 0);
                for (int i = 0; i < 7; i++) TestLibC.getppid();
            });
            t.start();
            t.join();
            // the thread's exit syscalls may still be on their way; its getppid calls are all in
            assertSameSeries(builtin, converted, "comm=\"" + comm + "\",syscall=\"getppid\"", 1);
            assertThat(scrape(converted))
                    .contains("kprom_syscalls_total{comm=\"" + comm + "\",syscall=\"getppid\"} 7.0");
        }
    }

    @Test
    void oomkill(@TempDir Path dir) throws Exception {
        String comm = comm("kco");
        try (ProbeSet builtin = loader().load(ConfigLoader.loadProbeSet("oomkill", PROBES));
                ProbeSet converted = loader().load(converted(dir, "oomkill", "tp_mark_victim"))) {
            KernelEvents.oomKill(dir, comm);
            assertSameSeries(builtin, converted, "comm=\"" + comm + "\"", 1);
        }
    }

    @Test
    void tcpRetransmits(@TempDir Path dir) throws Exception {
        String peer = "10.201.9.2";
        try (ProbeSet builtin = loader().load(ConfigLoader.loadProbeSet("tcp_retransmits", PROBES));
                ProbeSet converted = loader().load(converted(dir, "tcp_retransmits", "tp_retransmit"))) {
            KernelEvents.synRetransmits(
                    peer, 40000 + ThreadLocalRandom.current().nextInt(20000));
            assertSameSeries(builtin, converted, "daddr=\"" + peer + "\"", 1);
        }
    }

    @Test
    void blockIoLatency(@TempDir Path dir) throws Exception {
        try (KernelEvents.LoopDevice loop = new KernelEvents.LoopDevice(dir);
                ProbeSet builtin = loader().load(ConfigLoader.loadProbeSet("block_io_latency", PROBES));
                ProbeSet converted = loader().load(
                                converted(dir, "block_io_latency", "btf_block_rq_issue", "btf_block_rq_complete"))) {
            loop.read(200);
            String count = "kprom_block_io_latency_seconds_count{disk=\"" + loop.disk() + "\"";
            assertSameSeries(builtin, converted, count, 1);
            // both observe every request; their own clocks may put one latency on either side of a bound, so the
            // buckets and sums are compared for shape, the counts exactly
            assertThat(seriesWith(scrape(converted), "_bucket{disk=\"" + loop.disk() + "\""))
                    .hasSameSizeAs(seriesWith(scrape(builtin), "_bucket{disk=\"" + loop.disk() + "\""));
            assertThat(seriesWith(scrape(converted), "_sum{disk=\"" + loop.disk() + "\""))
                    .hasSize(1);
        }
    }
}
