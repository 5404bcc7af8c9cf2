package dev.kprom.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @Test
    void loadsTheShippedDefaultConfig() {
        KpromConfig config = ConfigLoader.load(Path.of("config/kprom.yaml"));
        assertThat(config.daemon().listen()).isEqualTo("0.0.0.0:9436");
        assertThat(config.probeSets())
                .extracting(ProbeSetConfig::name)
                .containsExactly("execve", "oomkill", "tcp_retransmits");
        ProbeSetSpec execve = config.probeSets().get(0).spec();
        assertThat(execve.object()).isEqualTo("execve.bpf.o");
        assertThat(execve.programs().get(0).attach())
                .extracting(AttachSpec::kind)
                .containsExactly(AttachSpec.Kind.FENTRY, AttachSpec.Kind.KPROBE, AttachSpec.Kind.TRACEPOINT);
        assertThat(execve.metrics().counters().get(0).labels())
                .extracting(l -> l.name())
                .containsExactly("uid", "comm", "namespace", "pod", "container", "workload");
    }

    @Test
    void reportsEveryErrorOfEveryFileTogetherInLineOrder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("probes"));
        Files.writeString(
                dir.resolve("kprom.yaml"),
                "listen: nowhere\nprobe_sets: [execve, broken, missing]\nlog_level: loud\ncolour: blue\nevents_path: /metrics\ndisable_attach: [fentry, uprobes]\n");
        Files.writeString(
                dir.resolve("probes/broken.yaml"),
                """
                object: x.bpf.o
                programs:
                  - name: BAD
                    attach: [{program: p, tracepoint: a/b, kprobe: f}]
                metrics:
                  counters:
                    - {name: x_total, help: h, labels: [{name: a, size: -1, decoders: [{name: nope}]}], extra: 1}
                """);
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir.resolve("kprom.yaml")));
        String k = dir.resolve("kprom.yaml").toString();
        String b = dir.resolve("probes/broken.yaml").toString();
        assertThat(e.errors())
                .extracting(ConfigError::toString)
                .containsExactly(
                        k + ":1:1: listen: must be host:port (got \"nowhere\")",
                        k + ":3:1: log_level: must be one of trace, debug, info, warn, error (got \"loud\")",
                        k
                                + ":4:1: colour: unknown key (known keys: btf_path, disable_attach, enable_lifecycle, events_path, events_unauthenticated, kubernetes, listen, log_level, pin_dir, pin_maps, probe_sets, probes_dir, watch_config, web_config_file)",
                        k + ":5:1: events_path: must be a path of its own, such as /events (got \"/metrics\")",
                        k
                                + ":6:26: disable_attach[1]: must be one of fentry, fexit, kprobe, kretprobe, tracepoint, raw_tracepoint, uprobe, uretprobe, usdt, perf_event, xdp, cgroup, tc, auto (got \"uprobes\")",
                        b + ":3:5: programs[0].name: must match [a-z_][a-z0-9_]* (got \"BAD\")",
                        b
                                + ":4:14: programs[0].attach[0]: needs exactly one of fentry, fexit, kprobe, kretprobe, tracepoint, raw_tracepoint, uprobe, uretprobe, usdt, perf_event, xdp, cgroup, tc, auto: true (got 2)",
                        b + ":7:51: metrics.counters[0].labels[0].size: must be > 0 (got -1)",
                        b
                                + ":7:73: metrics.counters[0].labels[0].decoders[0].name: unknown decoder (got \"nope\"; known: cgroup, dname, errno, hex, ifname, inet_ip, kernel_enum, kstack, ksym, kube_container, kube_container_name, kube_namespace, kube_pod, kube_pod_label, kube_pod_name, kube_workload, kube_workload_kind, majorminor, pci_class, pci_device, pci_subclass, pci_vendor, pid_cgroup, port, regexp, static_map, string, syscall, uid, uint)",
                        b
                                + ":7:89: metrics.counters[0].extra: unknown key (known keys: buckets, help, labels, map, max_series, name, per_cpu, sum, value)",
                        dir.resolve("probes/missing.yaml")
                                + ": probe set \"missing\" not found (no such file, and no built-in probe set of that name)");
        assertThat(e.getMessage().lines()).hasSize(11);
    }

    @Test
    void kubernetesSettingsAreChecked(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("kprom.yaml"),
                "probe_sets: [execve]\nkubernetes: {enabled: maybe, max_pods: 0, deleted_retention_seconds: -1}\n");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("kprom.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kubernetes.enabled: must be auto, true or false (got maybe)")
                .hasMessageContaining("kubernetes.max_pods: must be >= 1 (got 0)")
                .hasMessageContaining("kubernetes.deleted_retention_seconds: must be >= 0 (got -1)");
    }

    @Test
    void anInventoryProbeSetNamesNoObjectOrProgramsAndItsNumbersAreChecked() {
        assertThatThrownBy(() -> ConfigLoader.parseProbeSet(
                        "inv",
                        "inv.yaml",
                        """
                        object: x.bpf.o
                        inventory: {refresh_seconds: -1, entries_budget: -5}
                        programs: [{name: p, attach: [{program: p, tracepoint: a/b}]}]
                        metrics:
                          counters:
                            - {name: runs_total, map: bpf_programs, help: h, value: {field: run_count, multiplier: 0},
                               labels: [{name: id, decoders: [{name: uint}]}]}
                        """,
                        null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("inv.yaml:1:1: object: an inventory probe set loads no object of its own")
                .hasMessageContaining("inventory: an inventory probe set has no programs, iterators or events")
                .hasMessageContaining("inventory.refresh_seconds: must be >= 0 (got -1)")
                .hasMessageContaining("inventory.entries_budget: must be >= 0 (got -5)")
                .hasMessageContaining("metrics.counters[0].value.multiplier: must be > 0 (got 0.0)");
    }

    @Test
    void aProbeSetOnDiskOverridesTheBuiltInOne(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("probes"));
        Files.writeString(dir.resolve("kprom.yaml"), "probe_sets: [execve]\n");
        Files.writeString(
                dir.resolve("probes/execve.yaml"),
                """
                object: my/execve.bpf.o
                programs: [{name: execve, attach: [{program: tp_execve, tracepoint: syscalls/sys_enter_execve}]}]
                """);
        ProbeSetConfig set =
                ConfigLoader.load(dir.resolve("kprom.yaml")).probeSets().get(0);
        assertThat(set.source()).isEqualTo(dir.resolve("probes/execve.yaml").toString());
        assertThat(set.baseDir()).isEqualTo(dir.resolve("probes"));
        assertThat(set.spec().object()).isEqualTo("my/execve.bpf.o");
    }

    @Test
    void aMissingConfigFileIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/kprom.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/nonexistent/kprom.yaml: no such file");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0.0.0.0:9436|0.0.0.0|9436",
                "127.0.0.1:0|127.0.0.1|0",
                "[::1]:9100|0:0:0:0:0:0:0:1|9100",
                ":9436|0.0.0.0|9436"
            })
    void parsesListenAddresses(String listen, String host, int port) {
        InetSocketAddress a = ConfigLoader.parseListen(listen);
        assertThat(a.getAddress().getHostAddress()).isEqualTo(host);
        assertThat(a.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "9436|must be host:port (got \"9436\")",
                "host:http|port must be a number (got \"host:http\")",
                "host:70000|port must be 0-65535 (got 70000)"
            })
    void rejectsBadListenAddresses(String listen, String message) {
        assertThatThrownBy(() -> ConfigLoader.parseListen(listen)).hasMessage(message);
    }
}
