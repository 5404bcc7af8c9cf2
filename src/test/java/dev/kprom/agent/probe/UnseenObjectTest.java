package dev.kprom.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A probe set for an object kprom never saw: this test writes and compiles its own BPF C (a padded struct key, a
 * struct value, const volatile filters) and configures it with no sizes at all, only BTF field names.
 */
@BpfTest
class UnseenObjectTest {
    private static final String SOURCE =
            """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>

            struct ukey { __u8 kind; __u32 tid; char tag[8]; };            /* 3 bytes of padding after kind */
            struct uval { __u64 calls; __u32 last_len; __u32 flags; __u64 weight; };
            struct hkey { __u32 tid; __u32 bucket; };

            const volatile __u32 target_tid = 0;
            const volatile char tag[8] = "unset";

            struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64);
                     __type(key, struct ukey); __type(value, struct uval); } calls SEC(".maps");
            struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64);
                     __type(key, struct hkey); __type(value, __u64); } sizes SEC(".maps");
            struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1);
                     __type(key, __u32); __type(value, __u64); } hits SEC(".maps");

            SEC("tracepoint/syscalls/sys_enter_getppid")
            int on_getppid(void *ctx)
            {
                __u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
                struct ukey k = {};
                struct uval *v, init = {};
                struct hkey hk = {};
                __u64 one = 1, *c;

                if (tid != target_tid)
                    return 0;
                k.kind = 7;
                k.tid = tid;
                for (int i = 0; i < sizeof(k.tag); i++)
                    k.tag[i] = tag[i];                                    /* volatile reads: set at load */
                v = bpf_map_lookup_elem(&calls, &k);
                if (!v) {
                    bpf_map_update_elem(&calls, &k, &init, BPF_NOEXIST);
                    v = bpf_map_lookup_elem(&calls, &k);
                    if (!v)
                        return 0;
                }
                __sync_fetch_and_add(&v->calls, 1);
                __sync_fetch_and_add(&v->weight, 10);
                v->last_len = 5;
                hk.tid = tid;
                hk.bucket = 3;                                            /* every call: value <= 2^3 */
                c = bpf_map_lookup_elem(&sizes, &hk);
                if (c)
                    __sync_fetch_and_add(c, 1);
                else
                    bpf_map_update_elem(&sizes, &hk, &one, BPF_NOEXIST);
                c = bpf_map_lookup_elem(&hits, &zero);
                if (c)
                    *c += 1;
                return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    private static Path object;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        Path c = Files.writeString(dir.resolve("unseen.bpf.c"), SOURCE);
        object = dir.resolve("unseen.bpf.o");
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "x86";
        Process clang = new ProcessBuilder(
                        "clang",
                        "-target",
                        "bpf",
                        "-O2",
                        "-g",
                        "-D__TARGET_ARCH_" + arch,
                        "-I" + Path.of("target/bpf").toAbsolutePath(),
                        "-c",
                        c.toString(),
                        "-o",
                        object.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(clang.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(clang.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(clang.exitValue()).as(out).isZero();
    }

    private static ProbeSetConfig probeSet(String constants, String metrics) {
        String yaml = "object: " + object + "\n" + constants
                + """
                programs:
                  - name: getppid
                    attach: [{program: on_getppid, tracepoint: syscalls/sys_enter_getppid}]
                metrics:
                """
                + metrics;
        return ConfigLoader.parseProbeSet("unseen", "unseen.yaml", yaml, null);
    }

    private static final String METRICS =
            """
              counters:
                - name: getppid_calls_total
                  help: calls, from struct field calls.
                  map: calls
                  value: {field: calls}
                  labels:
                    - {name: tid, decoders: [{name: uint}]}
                    - {name: kind, decoders: [{name: uint}]}
                    - {name: tag, decoders: [{name: string}]}
                - name: getppid_weight_total
                  help: weight, from struct field weight of the same map.
                  map: calls
                  value: {field: weight}
                  labels:
                    - {name: tid, decoders: [{name: uint}]}
              gauges:
                - name: getppid_last_len
                  help: a 4-byte struct field.
                  map: calls
                  value: {field: last_len}
                  labels:
                    - {name: tag, decoders: [{name: string}]}
                - name: getppid_hits
                  help: a per-CPU array, split by CPU.
                  map: hits
                  per_cpu: split
                  labels:
                    - {name: slot, decoders: [{name: uint}]}
              histograms:
                - name: getppid_size
                  help: an exp2 histogram.
                  map: sizes
                  buckets: {type: exp2, min: 0, max: 4}
                  labels:
                    - {name: tid, decoders: [{name: uint}]}
                    - {name: bucket}
            """;

    private static String scrape(List<? extends MultiCollector> collectors) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MultiCollector c : collectors) PrometheusTextFormatWriter.create().write(out, c.collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exportsTheRightValueForEveryKeyFromBtfLayouts() throws Exception {
        int tid = TestLibC.gettid();
        ProbeSetConfig config = probeSet("constants: {target_tid: " + tid + ", tag: kprom}\n", METRICS);
        ProbeSetLoader loader =
                new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), name -> CollectObserver.IGNORE);
        try (ProbeSet set = loader.load(config)) {
            int n = 321;
            for (int i = 0; i < n; i++) TestLibC.getppid();
            String text = scrape(set.collectors());
            String t = "tid=\"" + tid + "\"";
            assertThat(text)
                    .contains(
                            "kprom_getppid_calls_total{kind=\"7\",tag=\"kprom\"," + t + "} " + n + ".0\n",
                            "kprom_getppid_weight_total{" + t + "} " + (10 * n) + ".0\n",
                            "kprom_getppid_last_len{tag=\"kprom\"} 5.0\n",
                            "kprom_getppid_size_bucket{" + t + ",le=\"1.0\"} 0\n",
                            "kprom_getppid_size_bucket{" + t + ",le=\"4.0\"} 0\n",
                            "kprom_getppid_size_bucket{" + t + ",le=\"8.0\"} " + n + "\n",
                            "kprom_getppid_size_bucket{" + t + ",le=\"16.0\"} " + n + "\n",
                            "kprom_getppid_size_bucket{" + t + ",le=\"+Inf\"} " + n + "\n",
                            "kprom_getppid_size_count{" + t + "} " + n + "\n");
            // per-CPU split: one series per possible CPU, adding up to n
            List<Double> perCpu = new ArrayList<>();
            for (String line : text.lines()
                    .filter(l -> l.startsWith("kprom_getppid_hits{"))
                    .toList()) {
                perCpu.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
            assertThat(perCpu).hasSize(Runtime.getRuntime().availableProcessors());
            assertThat(perCpu.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(n);
        }
    }

    @Test
    void mismatchesAgainstTheObjectAreAllReportedWithTheirLines() {
        ProbeSetConfig config = probeSet(
                "constants: {target_pid: 1, tag: waytoolongforeight}\n",
                """
                  counters:
                    - name: calls_total
                      help: h
                      value: {field: count}
                      labels:
                        - {name: pid, decoders: [{name: uint}]}
                        - {name: tag, size: 4, decoders: [{name: string}]}
                    - name: nothing_total
                      help: h
                      labels: [{name: x, size: 4, decoders: [{name: uint}]}]
                """);
        ProbeSetLoader loader =
                new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), name -> CollectObserver.IGNORE);
        assertThatThrownBy(() -> loader.load(config))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        """
                        unseen.yaml:2:13: constants.target_pid: unseen.bpf.o has no const volatile "target_pid" (it has: target_tid, tag)
                        unseen.yaml:2:28: constants.tag: needs at most 7 bytes and a NUL in its char[8] (got "waytoolongforeight")
                        unseen.yaml:8:7: metrics.counters[0].name: unseen.bpf.o has no map "calls_total" (it has: calls, hits, sizes)
                        unseen.yaml:14:7: metrics.counters[1].name: unseen.bpf.o has no map "nothing_total" (it has: calls, hits, sizes)""");
    }

    @Test
    void metricMismatchesAreReportedTogether() {
        ProbeSetConfig config = probeSet(
                "",
                """
                  counters:
                    - name: calls_total
                      help: h
                      value: {field: count}
                      labels:
                        - {name: pid, decoders: [{name: uint}]}
                        - {name: tag, size: 4, decoders: [{name: string}]}
                    - name: nothing_total
                      help: h
                      labels: [{name: x, size: 4, decoders: [{name: uint}]}]
                """);
        ProbeSetLoader loader =
                new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), name -> CollectObserver.IGNORE);
        assertThatThrownBy(() -> loader.load(config))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        """
                        unseen.yaml:7:7: metrics.counters[0].name: unseen.bpf.o has no map "calls_total" (it has: calls, hits, sizes)
                        unseen.yaml:13:7: metrics.counters[1].name: unseen.bpf.o has no map "nothing_total" (it has: calls, hits, sizes)""");
    }
}
