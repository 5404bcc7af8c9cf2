package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.AttachSpec;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Attach alternatives against the real kernel: each unworkable one is skipped with its reason, the next is used. */
@BpfTest
class ProbeSetLoaderTest {
    private static final boolean KPROBES = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"));

    private static ProbeSetConfig probeSet(String programs, String counters) {
        String yaml = "object: " + TestObjects.path("fallback_test.bpf.o") + "\n"
                + "programs:\n" + programs
                + "metrics:\n  counters:\n" + counters;
        return ConfigLoader.parseProbeSet("fallback", "fallback.yaml", yaml, null);
    }

    private static final String COUNTER =
            """
                - name: getppid_total
                  help: getppid() calls by thread id.
                  labels:
                    - {name: tid, size: 4, decoders: [{name: uint}]}
            """;

    @Test
    void skipsEachUnworkableAlternativeWithItsReasonAndCountsExactlyWithTheNext() {
        ProbeSetConfig config = probeSet(
                """
                  - name: getppid
                    attach:
                      - {program: tp_getppid, tracepoint: nosuch/sys_enter_nothing}
                      - {program: tp_rejected, tracepoint: syscalls/sys_enter_getppid}
                      - {program: kprobe_getppid, kprobe: sys_getppid}
                      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}
                """,
                COUNTER);
        try (ProbeSet set = loader().load(config)) {
            AttachChoice choice = set.choices().get(0);
            if (KPROBES) {
                assertThat(choice.chosen().program()).isEqualTo("kprobe_getppid");
                return;
            }
            assertThat(choice.chosen().program()).isEqualTo("tp_getppid");
            assertThat(choice.target()).isEqualTo("syscalls/sys_enter_getppid");
            assertThat(choice.skipped()).hasSize(3);
            assertThat(choice.skipped().get(0))
                    .isEqualTo(
                            "tracepoint nosuch/sys_enter_nothing (program tp_getppid): "
                                    + "tracepoint nosuch/sys_enter_nothing does not exist on this kernel (no /sys/kernel/tracing/events/nosuch/sys_enter_nothing)");
            assertThat(choice.skipped().get(1))
                    .startsWith("tracepoint syscalls/sys_enter_getppid (program tp_rejected): load failed: "
                            + "load fallback_test.bpf.o: program tp_rejected: " + Errno.describe(Errno.EACCES));
            assertThat(choice.skipped().get(2))
                    .isEqualTo(
                            "kprobe sys_getppid (program kprobe_getppid): this kernel has no kprobe "
                                    + "support (neither /sys/bus/event_source/devices/kprobe nor /sys/kernel/tracing/kprobe_events exists; CONFIG_KPROBES is off)");
            // the rejected and the kprobe programs were not left loaded: only the chosen one is
            assertThat(BpfPrograms.idsNamed("tp_rejected")).isEmpty();
            assertThat(BpfPrograms.idsNamed("tp_getppid"))
                    .containsExactly(set.object().program("tp_getppid").id());

            int tid = TestLibC.gettid();
            int calls = 1234;
            for (int i = 0; i < calls; i++) TestLibC.getppid();
            MetricSnapshots snapshots = set.collectors().get(0).collect();
            CounterSnapshot counter = (CounterSnapshot) snapshots.get(0);
            assertThat(counter.getMetadata().getPrometheusName()).isEqualTo("kprom_getppid");
            double mine = counter.getDataPoints().stream()
                    .filter(p -> p.getLabels().get("tid").equals(Integer.toString(tid)))
                    .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                    .sum();
            assertThat(mine).isEqualTo(calls);
        }
        assertThat(BpfPrograms.idsNamed("tp_getppid")).isEmpty();
    }

    @Test
    void fentryOnAMissingFunctionIsSkippedAndOnAPresentOneChosenWhereTheKernelAllowsIt() {
        ProbeSetConfig config = probeSet(
                """
                  - name: getppid
                    attach:
                      - {program: fentry_getppid, fentry: sys_nosuchcall}
                      - {program: fentry_getppid, fentry: sys_getppid}
                      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}
                """,
                COUNTER);
        try (ProbeSet set = loader().load(config)) {
            AttachChoice choice = set.choices().get(0);
            assertThat(choice.skipped().get(0))
                    .isEqualTo(
                            "fentry sys_nosuchcall (program fentry_getppid): no kernel function matches "
                                    + "\"sys_nosuchcall\" in /proc/kallsyms (tried sys_nosuchcall, __x64_sys_nosuchcall, __se_sys_nosuchcall, __sys_nosuchcall)");
            if (choice.chosen().program().equals("fentry_getppid")) {
                assertThat(choice.target()).isEqualTo("__x64_sys_getppid");
            } else { // this kernel refuses that fentry (no BTF for the function, or EPERM): its reason, then the
                // tracepoint
                assertThat(choice.chosen().program()).isEqualTo("tp_getppid");
                assertThat(choice.skipped().get(1))
                        .matches("fentry sys_getppid \\(program fentry_getppid\\): "
                                + "(the kernel's BTF has no function __x64_sys_getppid .*|load failed: .*)");
            }
            int tid = TestLibC.gettid();
            for (int i = 0; i < 100; i++) TestLibC.getppid();
            CounterSnapshot counter =
                    (CounterSnapshot) set.collectors().get(0).collect().get(0);
            assertThat(counter.getDataPoints().stream()
                            .filter(p -> p.getLabels().get("tid").equals(Integer.toString(tid)))
                            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                            .sum())
                    .isEqualTo(100);
        }
        assertThat(BpfPrograms.idsNamed("fentry_getppid")).isEmpty();
    }

    @Test
    void disabledAttachKindsAreSkippedWithThatReason() {
        ProbeSetConfig config = probeSet(
                """
                  - name: getppid
                    attach:
                      - {program: fentry_getppid, fentry: sys_getppid}
                      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}
                """,
                COUNTER);
        ProbeSetLoader loader = new ProbeSetLoader(
                Tracefs.ensureMounted(),
                Kallsyms.system(),
                name -> CollectObserver.IGNORE,
                Set.of(AttachSpec.Kind.FENTRY));
        try (ProbeSet set = loader.load(config)) {
            assertThat(set.choices().get(0).chosen().program()).isEqualTo("tp_getppid");
            assertThat(set.choices().get(0).skipped())
                    .containsExactly(
                            "fentry sys_getppid (program fentry_getppid): fentry is disabled by disable_attach in the daemon config");
        }
    }

    @Test
    void failsListingEveryReasonWhenNoAlternativeWorksAndLeavesNothingLoaded() {
        ProbeSetConfig config = probeSet(
                """
                  - name: getppid
                    attach:
                      - {program: tp_rejected, tracepoint: syscalls/sys_enter_getppid}
                      - {program: tp_getppid, tracepoint: nosuch/event}
                """,
                COUNTER);
        assertThatThrownBy(() -> loader().load(config))
                .isInstanceOf(ProbeSetException.class)
                .hasMessageStartingWith(
                        "probe set fallback (fallback.yaml): program getppid: no attach alternative works on this kernel:\n"
                                + "  - tracepoint syscalls/sys_enter_getppid (program tp_rejected): load failed: load fallback_test.bpf.o: program tp_rejected: EACCES (13)")
                .hasMessageContaining(
                        "\n  - tracepoint nosuch/event (program tp_getppid): tracepoint nosuch/event does not exist on this kernel");
        assertThat(BpfPrograms.idsNamed("tp_rejected")).isEmpty();
    }

    @Test
    void aCounterThatDoesNotMatchItsMapFailsAfterLoadAndDetachesEverything() {
        ProbeSetConfig config = probeSet(
                """
                  - name: getppid
                    attach:
                      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}
                """,
                """
                    - name: getppid_total
                      help: getppid() calls by thread id.
                      labels:
                        - {name: tid, size: 8, decoders: [{name: uint}]}
                """);
        assertThatThrownBy(() -> loader().load(config))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "fallback.yaml:10:7: metrics.counters[0].labels: labels span 8 bytes but map getppid_total has 4-byte keys");
        assertThat(BpfPrograms.idsNamed("tp_getppid")).isEmpty();
    }

    @Test
    void aProgramNamedInConfigButAbsentFromTheObjectIsAnError() {
        ProbeSetConfig config = probeSet(
                """
                  - name: getppid
                    attach:
                      - {program: tp_typo, tracepoint: syscalls/sys_enter_getppid}
                """,
                COUNTER);
        assertThatThrownBy(() -> loader().load(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "fallback.yaml:5:10: programs[0].attach[0].program: fallback_test.bpf.o has no program tp_typo (it has: ");
    }
}
