package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.KpromConfig;
import dev.kprom.agent.probe.AttachChoice;
import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped execve probe set, end to end: real execs, scraped over HTTP, exact counts. */
@BpfTest
class ExecveProbeTest {
    private static final boolean KPROBES = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"));

    @Test
    void countsEveryExecOfADistinctiveCommExactly(@TempDir Path dir) throws Exception {
        KpromConfig config = ConfigLoader.load(Path.of("config/kprom.yaml"));
        int programId;
        try (Daemon daemon = Daemon.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            AttachChoice choice = daemon.probeSets().get(0).choices().get(0);
            programId = daemon.probeSets()
                    .get(0)
                    .object()
                    .program(choice.chosen().program())
                    .id();
            // fentry where the kernel allows it, else kprobe, else the tracepoint; each skip says why
            assertThat(choice.chosen().program()).isIn("fentry_execve", "kprobe_execve", "tp_execve");
            if (!KPROBES) {
                assertThat(choice.chosen().program()).isEqualTo("tp_execve");
                assertThat(choice.skipped()).hasSize(2);
                assertThat(choice.skipped().get(0)).startsWith("fentry sys_execve (program fentry_execve): ");
                assertThat(choice.skipped().get(1))
                        .startsWith("kprobe sys_execve (program kprobe_execve): this kernel has no kprobe support");
            }

            // A copy of sh under a unique name: its comm. It execs /bin/true n times; nothing else execs under it.
            String comm = "kpt" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
            Path shell = Files.copy(Path.of("/bin/sh"), dir.resolve(comm));
            String series = "kprom_execve_total{comm=\"" + comm + "\",uid=\"0\"}";
            double before =
                    Scrape.value(Scrape.get(daemon.address(), "/metrics").body(), series);
            int n = 37;
            Process p = new ProcessBuilder(
                            shell.toString(), "-c", "i=0; while [ $i -lt " + n + " ]; do /bin/true; i=$((i+1)); done")
                    .inheritIO()
                    .start();
            assertThat(p.waitFor()).isZero();

            String body = Scrape.get(daemon.address(), "/metrics").body();
            assertThat(before).isZero();
            assertThat(Scrape.value(body, series)).isEqualTo(n);
            assertThat(body)
                    .contains("# TYPE kprom_execve_total counter", "kprom_build_info{", "jvm_memory_used_bytes");

            String landing = Scrape.get(daemon.address(), "/").body();
            assertThat(landing).contains("kprom", "execve", "/metrics");
        }
        // this daemon's program is gone (others, say a kprom running on this host, may remain)
        assertThat(BpfPrograms.idsNamed("tp_execve")).doesNotContain(programId);
        assertThat(BpfPrograms.idsNamed("kprobe_execve")).doesNotContain(programId);
    }

    @Test
    void anInvalidProbeSetLeavesNothingAttachedAndTheHttpPortUnbound(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("probes"));
        Files.writeString(dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [execve, broken]\n");
        Files.writeString(
                dir.resolve("probes/broken.yaml"),
                """
                object: execve.bpf.o
                programs:
                  - name: execve
                    attach:
                      - {program: tp_execve, tracepoint: syscalls/sys_enter_execve}
                metrics:
                  counters:
                    - name: execve_total
                      help: wrong key layout on purpose
                      labels:
                        - {name: uid, size: 8, decoders: [{name: uint}]}
                """);
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        KpromConfig config = ConfigLoader.load(dir.resolve("kprom.yaml"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Daemon.start(config, new InetSocketAddress("127.0.0.1", 0)))
                .hasMessage(
                        dir.resolve("probes/broken.yaml")
                                + ":10:7: metrics.counters[0].labels: labels span 8 bytes but map execve_total has 32-byte keys");
        assertThat(BpfPrograms.idsNamed("tp_execve")).isEqualTo(before);
    }

    @Test
    void withBpfStatsEnabledKpromReportsItsProgramsRunsAndRunTime(@TempDir Path dir) throws Exception {
        Path sysctl = Path.of("/proc/sys/kernel/bpf_stats_enabled");
        String before = Files.readString(sysctl).trim();
        Files.writeString(sysctl, "1");
        try (Daemon daemon =
                Daemon.start(ConfigLoader.load(Path.of("config/kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 10; i++) new ProcessBuilder("/bin/true").start().waitFor();
            String body = Scrape.get(daemon.address(), "/metrics").body();
            String program = daemon.probeSets().get(0).choices().get(0).chosen().program();
            double runs = Scrape.value(body, "kprom_program_runs_total{probe=\"execve\",program=\"" + program + "\"}");
            double seconds = Scrape.value(
                    body, "kprom_program_run_time_seconds_total{probe=\"execve\",program=\"" + program + "\"}");
            System.gc(); // the counters must survive a collection (Micrometer holds state weakly unless told otherwise)
            body = Scrape.get(daemon.address(), "/metrics").body();
            runs = Scrape.value(body, "kprom_program_runs_total{probe=\"execve\",program=\"" + program + "\"}");
            seconds = Scrape.value(
                    body, "kprom_program_run_time_seconds_total{probe=\"execve\",program=\"" + program + "\"}");
            assertThat(runs).isGreaterThanOrEqualTo(10);
            assertThat(seconds).isPositive().isLessThan(1);
        } finally {
            Files.writeString(sysctl, before);
        }
    }
}
