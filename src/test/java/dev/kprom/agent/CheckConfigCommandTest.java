package dev.kprom.agent;

import static dev.kprom.testing.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kprom check-config}: every error of every file, checked against the objects, nothing loaded. */
@BpfTest
class CheckConfigCommandTest {
    @Test
    void theShippedConfigsAreValid() throws Exception {
        Cli.Run r = run(
                "check-config",
                "config/kprom.yaml",
                "config/probes/syscalls.yaml",
                "config/probes/runqueue_latency.yaml");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .isEqualTo(
                        """
                config/kprom.yaml: OK (3 probe sets: execve, oomkill, tcp_retransmits)
                config/probes/syscalls.yaml: OK (1 probe set: syscalls)
                config/probes/runqueue_latency.yaml: OK (1 probe set: runqueue_latency)
                """);
    }

    @Test
    void reportsSyntaxAndObjectErrorsOfAllFilesWithoutLoadingAnything(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(
                dir.resolve("bad.yaml"),
                """
                object: execve.bpf.o
                constants: {nope: 1}
                programs:
                  - name: execve
                    attach: [{program: tp_execve, tracepoint: syscalls/sys_enter_execve}]
                metrics:
                  counters:
                    - name: execve_total
                      help: h
                      labels:
                        - {name: uid, decoders: [{name: uint}]}
                        - {name: command, decoders: [{name: string}]}
                """);
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "object: execve.bpf.o\nprogram: []\n");
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        Cli.Run r = run("check-config", bad.toString(), typo.toString(), "config/kprom.yaml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo(
                        bad
                                + ":2:13: constants.nope: execve.bpf.o has no const volatile globals (.rodata with BTF) to set\n"
                                + bad
                                + ":12:12: metrics.counters[0].labels[1].name: map execve_total key has no field \"command\" (fields: uid, comm, cgroup)\n"
                                + typo + ":1:1: programs: at least one program (or iterator) is required\n"
                                + typo
                                + ":2:1: program: unknown key (known keys: constants, events, foreign_maps, inventory, iterators, kaddrs, metrics, object, programs, required, tail_calls)\n");
        assertThat(r.out()).isEqualTo("config/kprom.yaml: OK (3 probe sets: execve, oomkill, tcp_retransmits)\n");
        assertThat(BpfPrograms.idsNamed("tp_execve")).isEqualTo(before);
    }

    @Test
    void labelsThatDoNotMatchTheObjectsBtfAreReportedAtTheirLines(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(
                dir.resolve("bad.yaml"),
                """
                object: execve.bpf.o
                programs:
                  - name: execve
                    attach: [{program: tp_execve, tracepoint: syscalls/sys_enter_execve}]
                metrics:
                  counters:
                    - name: execve_total
                      help: h
                      labels:
                        - {name: uid, decoders: [{name: uint}]}
                        - {name: command, decoders: [{name: string}]}
                """);
        Cli.Run r = run("check-config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo(
                        bad
                                + ":11:12: metrics.counters[0].labels[1].name: map execve_total key has no field \"command\" (fields: uid, comm, cgroup)\n");
    }
}
