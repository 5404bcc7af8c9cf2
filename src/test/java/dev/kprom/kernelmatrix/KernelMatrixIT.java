package dev.kprom.kernelmatrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Promtool;
import dev.kprom.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The kernel-matrix suite (src/test/kernel-matrix/suite.sh), run by failsafe after the jar is packaged: the kprom jar on this host's kernel (no kprobes,
 * fentry refused: tracepoint fallbacks) and on Debian's 6.1 under qemu (../shared/kernel-matrix), each driving
 * 20 execve() and 20 connect() calls per scenario. Here the results come back as files and are checked: which
 * attach alternative was chosen and why the others were skipped, and exact counts. A failure shows the logs.
 */
@BpfTest
@Tag("kernel-matrix")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelMatrixIT {
    private static final Path OUT = Path.of("target/kernel-matrix").toAbsolutePath();
    private static final int N = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private String guestLog = "";
    private long guestSeconds;

    @BeforeAll
    void runSuites() throws Exception {
        delete(OUT);
        Files.createDirectories(OUT);
        run(
                List.of(
                        "bash",
                        "src/test/kernel-matrix/suite.sh",
                        OUT.resolve("host").toString()),
                Map.of(),
                300,
                OUT.resolve("host.log"));
        Path runner = runInKernel();
        long start = System.nanoTime();
        run(
                List.of(
                        runner.toString(),
                        "--",
                        "bash",
                        "src/test/kernel-matrix/suite.sh",
                        OUT.resolve("guest").toString()),
                Map.of("KVM_RW", OUT.toString(), "KVM_TIMEOUT", "1500"),
                1600,
                OUT.resolve("guest.log"));
        guestSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        guestLog = Files.readString(OUT.resolve("guest.log"));
        System.out.println("kernel-matrix: guest suite took " + guestSeconds + " s");
    }

    /** ../shared/kernel-matrix/run-in-kernel.sh, or where KERNEL_MATRIX says. */
    private static Path runInKernel() {
        List<Path> places = new ArrayList<>();
        Optional.ofNullable(System.getenv("KERNEL_MATRIX")).ifPresent(p -> places.add(Path.of(p)));
        places.add(Path.of("../shared/kernel-matrix"));
        places.add(Path.of("/work/shared/kernel-matrix"));
        return places.stream()
                .map(p -> p.resolve("run-in-kernel.sh").toAbsolutePath())
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException("no run-in-kernel.sh in " + places + " (set KERNEL_MATRIX)"));
    }

    private static void run(List<String> command, Map<String, String> env, int timeoutSeconds, Path log)
            throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        if (p.exitValue() != 0)
            fail(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + Files.readString(log));
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.compareTo(a)).toList()) Files.delete(p);
        }
    }

    /** One scenario's results on one kernel. */
    private record Result(String where, Path dir, JsonNode probes, String metrics, int port, String log) {
        /** "fentry __x64_sys_execve" for probe set "execve", slot "execve". */
        String attach(String probe, String slot) {
            return program(probe, slot).path("attach").asText();
        }

        List<String> skipped(String probe, String slot) {
            List<String> out = new ArrayList<>();
            program(probe, slot).path("skipped").forEach(s -> out.add(s.asText()));
            return out;
        }

        private JsonNode program(String probe, String slot) {
            for (JsonNode p : probes) {
                if (!p.path("name").asText().equals(probe)) continue;
                for (JsonNode g : p.path("programs"))
                    if (g.path("slot").asText().equals(slot)) return g;
            }
            throw new AssertionError(
                    where + ": no program slot " + probe + "/" + slot + " in /probes:\n" + probes + "\n" + log);
        }

        double execs() {
            return Scrape.value(metrics, "kprom_execve_total{comm=\"kmxsh\",uid=\"0\"}");
        }

        double connects() {
            return Scrape.value(
                    metrics,
                    "kprom_connect_total{comm=\"kmxconn\",daddr=\"127.0.0.1\",dport=\"" + port + "\",family=\"ipv4\"}");
        }
    }

    private Result result(String kernel, String scenario) throws IOException {
        Path dir = OUT.resolve(kernel).resolve(scenario);
        String log =
                Files.exists(dir.resolve("kprom.log")) ? Files.readString(dir.resolve("kprom.log")) : "(no kprom.log)";
        String where = kernel + "/" + scenario;
        if (!Files.exists(dir.resolve("metrics.txt"))) {
            fail(where + ": kprom did not come up. kprom.log:\n" + log
                    + (kernel.equals("guest") ? "\nguest log:\n" + guestLog : ""));
        }
        int port = Integer.parseInt(Files.readString(dir.resolve("info.txt")).replaceAll("(?s).*port (\\d+).*", "$1"));
        return new Result(
                where,
                dir,
                JSON.readTree(dir.resolve("probes.json").toFile()),
                Files.readString(dir.resolve("metrics.txt")),
                port,
                log);
    }

    @Test
    void onTheHostKernelTheTracepointFallbacksRunAndCountExactly() throws Exception {
        Result r = result("host", "default");
        assertThat(r.attach("execve", "execve")).as(r.log).isEqualTo("tracepoint syscalls/sys_enter_execve");
        assertThat(r.skipped("execve", "execve")).hasSize(2);
        assertThat(r.skipped("execve", "execve").get(0)).startsWith("fentry sys_execve (program fentry_execve): ");
        assertThat(r.skipped("execve", "execve").get(1)).contains("this kernel has no kprobe support");
        assertThat(r.attach("connect", "enter")).isEqualTo("tracepoint syscalls/sys_enter_connect");
        assertThat(r.attach("connect", "exit")).isEqualTo("tracepoint syscalls/sys_exit_connect");
        assertThat(r.execs()).isEqualTo(N);
        assertThat(r.connects()).isEqualTo(N);
    }

    @Test
    void onLinux61FentryIsChosenForExecveAndConnectAndCountsAreExact() throws Exception {
        Result r = result("guest", "default");
        assertThat(r.attach("execve", "execve")).as(r.log).isEqualTo("fentry __x64_sys_execve");
        assertThat(r.attach("connect", "enter")).isEqualTo("fentry __sys_connect");
        assertThat(r.attach("connect", "exit")).isEqualTo("fexit __sys_connect");
        assertThat(r.skipped("execve", "execve")).isEmpty();
        assertThat(r.execs()).as(r.log).isEqualTo(N);
        assertThat(r.connects()).as(r.log).isEqualTo(N);
    }

    @Test
    void onLinux61WithFentryDisabledKprobesAreChosenAndCountsStayExact() throws Exception {
        Result r = result("guest", "no-fentry");
        assertThat(r.attach("execve", "execve")).as(r.log).isEqualTo("kprobe __x64_sys_execve");
        assertThat(r.attach("connect", "enter")).isEqualTo("kprobe __sys_connect");
        assertThat(r.attach("connect", "exit")).isEqualTo("kretprobe __sys_connect");
        assertThat(r.skipped("connect", "enter"))
                .containsExactly(
                        "fentry __sys_connect (program fentry_connect): fentry is disabled by disable_attach in the daemon config");
        assertThat(r.execs()).as(r.log).isEqualTo(N);
        assertThat(r.connects()).as(r.log).isEqualTo(N);
    }

    @Test
    void onLinux61AMissingFunctionIsSkippedAndSysConnectResolvesToTheLiveWrapper() throws Exception {
        Result r = result("guest", "wrapper");
        assertThat(r.attach("connect_wrapper", "enter")).as(r.log).isEqualTo("kprobe __x64_sys_connect");
        assertThat(r.attach("connect_wrapper", "exit")).isEqualTo("kretprobe __x64_sys_connect");
        assertThat(r.skipped("connect_wrapper", "enter"))
                .containsExactly(
                        "kprobe no_such_connect_function (program ksyscall_connect): "
                                + "no kernel function matches \"no_such_connect_function\" in /proc/kallsyms (tried no_such_connect_function)");
        assertThat(r.connects()).as(r.log).isEqualTo(N); // arguments read through the wrapper's pt_regs
    }

    @Test
    /**
     * Each attach kind ran attached as intended and was timed; the costs are figures to read (printed), not
     * asserted: under software emulation one run of fentry measured above kprobe (727 vs 669 ns) while most give
     * fentry a third of kprobe's cost, and a timing comparison in a test fails CI at random.
     */
    void onLinux61EachAttachKindIsAttachedAsAskedAndItsCostToGetppidMeasured() throws Exception {
        Map<String, Double> ns = new LinkedHashMap<>();
        for (String line : Files.readAllLines(OUT.resolve("guest/cost.txt"))) {
            String[] kv = line.split(" ");
            assertThat(kv[1]).as("guest cost.txt: " + line + "\n" + guestLog).isNotEqualTo("unavailable");
            ns.put(kv[0], Double.parseDouble(kv[1]));
        }
        assertThat(ns).containsOnlyKeys("none", "tracepoint", "kprobe", "fentry");
        double none = ns.get("none");
        double tp = ns.get("tracepoint") - none;
        double kprobe = ns.get("kprobe") - none;
        double fentry = ns.get("fentry") - none;
        System.out.printf(
                "kernel-matrix: getppid() cost added in the 6.1 guest (emulated; ratios only): tracepoint %.0f ns, "
                        + "kprobe %.0f ns, fentry %.0f ns; fentry/kprobe %.2f, fentry/tracepoint %.2f, kprobe/tracepoint %.2f%n",
                tp, kprobe, fentry, fentry / kprobe, fentry / tp, kprobe / tp);
        for (String kind : List.of("tracepoint", "kprobe", "fentry")) {
            JsonNode probes = JSON.readTree(
                    OUT.resolve("guest/getppid-" + kind + "/probes.json").toFile());
            assertThat(probes.get(0).path("programs").get(0).path("attach").asText())
                    .startsWith(kind + " ");
        }
    }

    /** The library scenario's value of {@code series}, a metric of kmxdd's ext4 reads and writes. */
    private static double library(Result r, String series) {
        return Scrape.value(r.metrics(), series);
    }

    @Test
    void onLinux61FexitCountsTheFoliosReadAndFentryTimesEachExt4OperationExactly() throws Exception {
        Result r = result("guest", "library");
        assertThat(r.attach("cachestat", "access")).as(r.log()).isEqualTo("fexit filemap_get_pages");
        assertThat(r.attach("fs_latency", "ext4_read_enter")).isEqualTo("fentry ext4_file_read_iter");
        assertThat(r.attach("fs_latency", "ext4_fsync_exit")).isEqualTo("fexit ext4_sync_file");
        assertThat(r.attach("fs_latency", "xfs_read_enter")).isEqualTo("none (optional)"); // no XFS module loaded
        // two reads of the 16-page file by kmxdd, and what else dd reads (its locale files)
        assertThat(library(r, "kprom_page_cache_ops_total{comm=\"kmxdd\",op=\"access\"}"))
                .isBetween(32.0, 32.0 + 40);
        assertThat(library(r, "kprom_page_cache_ops_total{comm=\"kmxdd\",op=\"dirty\"}"))
                .isBetween(16.0, 24.0);
        assertThat(library(r, "kprom_page_cache_ops_total{comm=\"kmxdd\",op=\"miss\"}"))
                .isGreaterThanOrEqualTo(16); // the file, after the caches were dropped (dd's own pages too)
        // one write with its fsync, two reads of data then EOF each, three opens: exact, nothing else uses the mount
        assertThat(library(r, "kprom_fs_latency_seconds_count{fs=\"ext4\",op=\"write\"}"))
                .isEqualTo(1);
        assertThat(library(r, "kprom_fs_latency_seconds_count{fs=\"ext4\",op=\"fsync\"}"))
                .isEqualTo(1);
        assertThat(library(r, "kprom_fs_latency_seconds_count{fs=\"ext4\",op=\"read\"}"))
                .isEqualTo(4);
        assertThat(library(r, "kprom_fs_latency_seconds_count{fs=\"ext4\",op=\"open\"}"))
                .isEqualTo(3);
        assertThat(library(r, "kprom_fs_latency_seconds_sum{fs=\"ext4\",op=\"fsync\"}"))
                .isPositive();
    }

    /** TcpExt counters of /proc/net/netstat saved by the library scenario ({@code netstat.before}, {@code .after}). */
    private static Map<String, Long> netstat(Result r, String which) throws IOException {
        List<String> lines = Files.readAllLines(r.dir().resolve("netstat." + which));
        String[] names = lines.get(0).split(" ");
        String[] values = lines.get(1).split(" ");
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 1; i < names.length; i++) out.put(names[i], Long.parseLong(values[i]));
        return out;
    }

    @Test
    void onLinux61PromtoolFindsNothingToLintInTheLibrarysFentryProbeSets() throws Exception {
        Result r = result("guest", "library");
        assertThat(Promtool.checkMetrics(r.metrics(), r.dir())).isEmpty();
        // cost per run of each program, emulated: only the ratio to a tracepoint program of the same run means
        // anything (printed for the README, not asserted)
        Map<String, Double> ns = new LinkedHashMap<>();
        for (JsonNode p : JSON.readTree(r.dir().resolve("progs.json").toFile())) {
            long runs = p.path("run_cnt").asLong();
            if (runs > 0)
                ns.put(p.path("name").asText(), (double) p.path("run_time_ns").asLong() / runs);
        }
        System.out.println("kernel-matrix: ns per run in the 6.1 guest (emulated; ratios only): " + ns);
    }

    @Test
    void onLinux61AReceiverOutOfMemoryHasItsWindowClampedAndCounted() throws Exception {
        Result r = result("guest", "library");
        assertThat(r.attach("tcp_window_clamps", "enter")).as(r.log()).isEqualTo("fentry tcp_try_rmem_schedule");
        long pruned =
                netstat(r, "after").get("PruneCalled") - netstat(r, "before").get("PruneCalled");
        assertThat(pruned).as("the flood made the kernel prune a receive queue").isPositive();
        // a clamp lowers rcv_ssthresh inside a prune: at least one here, never more than the prunes
        assertThat(library(r, "kprom_tcp_window_clamps_total{cgroup=\"/\"}")).isBetween(1.0, (double) pruned);
    }

    @Test
    void onLinux61FiveConnectionsAcceptedLateShowTheirWaitInTheAcceptQueue() throws Exception {
        Result r = result("guest", "library");
        assertThat(r.attach("tcp_accept_latency", "accept")).as(r.log()).isEqualTo("fexit inet_csk_accept");
        String port = "{port=\"19699\"";
        assertThat(library(r, "kprom_tcp_accept_latency_seconds_count" + port + "}"))
                .isEqualTo(5);
        // each waited the driver's 300 ms at least: none in the buckets up to 2^28 ns (268 ms)
        assertThat(library(r, "kprom_tcp_accept_latency_seconds_bucket" + port + ",le=\"0.268435456\"}"))
                .isZero();
        assertThat(library(r, "kprom_tcp_accept_latency_seconds_sum" + port + "}"))
                .isGreaterThanOrEqualTo(5 * 0.3);
    }

    @Test
    void onLinux61CfsThrottlingsTimeMatchesTheKernelsOwnCpuStatExactly() throws Exception {
        Result r = result("guest", "library");
        assertThat(r.attach("cfs_throttling", "enter")).as(r.log()).isEqualTo("fentry unthrottle_cfs_rq");
        assertThat(r.attach("cfs_throttling", "exit")).isEqualTo("fexit unthrottle_cfs_rq");
        Map<String, Long> stat = new LinkedHashMap<>(); // cpu.stat of /kmxcpu after its busy loop, before the scrape
        for (String line : Files.readAllLines(r.dir().resolve("cpu.stat"))) {
            String[] kv = line.split(" ");
            stat.put(kv[0], Long.parseLong(kv[1]));
        }
        assertThat(stat.get("nr_throttled")).as("the busy loop was throttled").isPositive();
        // each release ends one throttle of one or more periods (nr_throttled counts periods): at most as many
        assertThat(library(r, "kprom_cfs_throttled_seconds_count{cgroup=\"/kmxcpu\"}"))
                .isBetween(1.0, (double) stat.get("nr_throttled"));
        assertThat(library(r, "kprom_cfs_throttled_seconds_sum{cgroup=\"/kmxcpu\"}") * 1e6)
                .isCloseTo(stat.get("throttled_usec"), within(1.0)); // ns here, microseconds there
    }

    @Test
    void onTheHostKernelCachestatRunsWithoutAccessesAndFsLatencyIsDownSayingWhy() throws Exception {
        Result r = result("host", "library");
        assertThat(r.attach("cachestat", "access")).as(r.log()).isEqualTo("none (optional)");
        assertThat(r.skipped("cachestat", "access")).hasSize(3);
        assertThat(library(r, "kprom_page_cache_ops_total{comm=\"kmxdd\",op=\"dirty\"}"))
                .isBetween(1.0, 24.0);
        JsonNode fsLatency = null;
        for (JsonNode p : r.probes()) if (p.path("name").asText().equals("fs_latency")) fsLatency = p;
        assertThat(fsLatency).isNotNull();
        assertThat(fsLatency.path("up").asBoolean()).isFalse();
        assertThat(fsLatency.path("error").asText())
                .contains("no program attaches on this kernel (every slot is optional and empty)");
    }
}
