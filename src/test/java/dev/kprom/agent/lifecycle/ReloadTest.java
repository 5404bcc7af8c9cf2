package dev.kprom.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.Daemon;
import dev.kprom.agent.bpf.BpfProgram;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KpromProcess;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads on a real kernel: what did not change keeps its programs and its counts, what changed is replaced, an
 * invalid edit is refused while the running config serves on, and the files on disk are watched, ConfigMap style.
 */
@BpfTest
class ReloadTest {
    /** A config directory with kprom.yaml and copies of the shipped execve and oomkill probe sets. */
    private static Path configDir(Path dir, String extra) throws Exception {
        Files.createDirectories(dir.resolve("probes"));
        Files.copy(Path.of("config/probes/execve.yaml"), dir.resolve("probes/execve.yaml"));
        Files.copy(Path.of("config/probes/oomkill.yaml"), dir.resolve("probes/oomkill.yaml"));
        Files.writeString(
                dir.resolve("kprom.yaml"),
                "listen: 127.0.0.1:0\nprobe_sets: [execve, oomkill]\nwatch_config: false\n" + extra);
        return dir.resolve("kprom.yaml");
    }

    private static Daemon start(Path config) throws Exception {
        return Daemon.start(ConfigLoader.load(config), new InetSocketAddress("127.0.0.1", 0));
    }

    /** Runs {@code n} execs under a command name of its own; returns the series that counts them. */
    private static String execs(Path dir, String comm, int n) throws Exception {
        Path shell = dir.resolve(comm);
        if (!Files.exists(shell)) Files.copy(Path.of("/bin/sh"), shell);
        Process p = new ProcessBuilder(
                        shell.toString(), "-c", "i=0; while [ $i -lt " + n + " ]; do /bin/true; i=$((i+1)); done")
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
        return "kprom_execve_total{comm=\"" + comm + "\",uid=\"0\"}";
    }

    /** The ids of the programs this daemon's probe set runs (not every program of that name on the host). */
    private static Set<Integer> ids(Daemon d, String probe) {
        return d.probeSets().stream()
                .filter(p -> p.name().equals(probe))
                .flatMap(p -> p.programs().values().stream())
                .map(BpfProgram::id)
                .collect(Collectors.toSet());
    }

    private static String comm() {
        return "kpr" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    private static double scrape(Daemon d, String series) {
        return Scrape.value(Scrape.get(d.address(), "/metrics").body(), series);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); System.nanoTime() < deadline; ) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    void aReloadOfTheSameConfigKeepsEveryProgramAndTheCountGoesOn(@TempDir Path dir) throws Exception {
        Set<Integer> execve;
        try (Daemon d = start(configDir(dir, ""))) {
            execve = ids(d, "execve");
            Set<Integer> oomkill = ids(d, "oomkill");
            String comm = comm();
            String series = execs(dir, comm, 11);
            assertThat(scrape(d, series)).isEqualTo(11);

            assertThat(d.reload().get(30, TimeUnit.SECONDS))
                    .isEqualTo("probe sets: 0 added, 0 changed, 0 removed, 2 unchanged");
            execs(dir, comm, 7);
            assertThat(scrape(d, series)).isEqualTo(18); // 11 before + 7 after, none lost, none twice
            assertThat(ids(d, "execve")).isEqualTo(execve);
            assertThat(ids(d, "oomkill")).isEqualTo(oomkill);
            assertThat(BpfPrograms.idsNamed("tp_execve")).containsAll(execve); // still the ones loaded
            String body = Scrape.get(d.address(), "/metrics").body();
            assertThat(Scrape.value(body, "kprom_map_max_entries{map=\"execve_total\",probe=\"execve\"}"))
                    .isEqualTo(10240);
            assertThat(Scrape.value(body, "kprom_map_entries{map=\"execve_total\",probe=\"execve\"}"))
                    .isBetween(1.0, 10240.0); // at least this test's command, as of the last scrape's read
            assertThat(Scrape.get(d.address(), "/metrics").body())
                    .contains(
                            "kprom_config_last_reload_successful 1.0",
                            "kprom_config_reloads_total{result=\"success\"} 2.0");
        }
        assertThat(BpfPrograms.idsNamed("tp_execve")).doesNotContainAnyElementsOf(execve);
    }

    @Test
    void sighupReloadsAProcessWithoutTouchingWhatDidNotChange(@TempDir Path dir) throws Exception {
        Path config = configDir(dir, "");
        try (KpromProcess kprom = KpromProcess.start(config, dir.resolve("kprom.log"))) {
            InetSocketAddress address = kprom.address();
            Set<Integer> execve = BpfPrograms.idsNamed("tp_execve");
            String comm = comm();
            String series = execs(dir, comm, 13);
            assertThat(Scrape.value(Scrape.get(address, "/metrics").body(), series))
                    .isEqualTo(13);

            kprom.signal("HUP");
            kprom.awaitLog("configuration reloaded from " + config
                    + ": probe sets: 0 added, 0 changed, 0 removed, 2 unchanged");
            execs(dir, comm, 8);
            assertThat(Scrape.value(Scrape.get(address, "/metrics").body(), series))
                    .isEqualTo(21);
            assertThat(BpfPrograms.idsNamed("tp_execve")).isEqualTo(execve);
            assertThat(kprom.process.isAlive()).isTrue();
        }
    }

    @Test
    void editingOneProbeSetReloadsOnlyThatOne(@TempDir Path dir) throws Exception {
        try (Daemon d = start(configDir(dir, ""))) {
            Set<Integer> execve = ids(d, "execve");
            Set<Integer> oomkill = ids(d, "oomkill");
            String comm = comm();
            String series = execs(dir, comm, 5);
            Path yaml = dir.resolve("probes/oomkill.yaml");
            Files.writeString(yaml, Files.readString(yaml).replace("help: Processes", "help: All processes"));

            assertThat(d.reload().get(30, TimeUnit.SECONDS))
                    .isEqualTo("probe sets: 0 added, 1 changed, 0 removed, 1 unchanged");
            assertThat(ids(d, "execve")).isEqualTo(execve); // untouched
            assertThat(ids(d, "oomkill")).hasSameSizeAs(oomkill).doesNotContainAnyElementsOf(oomkill); // replaced
            assertThat(BpfPrograms.idsNamed("tp_mark_victim")).doesNotContainAnyElementsOf(oomkill); // old one unloaded
            execs(dir, comm, 4);
            assertThat(scrape(d, series)).isEqualTo(9);
        }
    }

    @Test
    void aChangedProbeSetWhoseMapStillFitsCarriesItsCountsOn(@TempDir Path dir) throws Exception {
        try (Daemon d = start(configDir(dir, ""))) {
            Set<Integer> execve = ids(d, "execve");
            String comm = comm();
            String series = execs(dir, comm, 6);
            Path yaml = dir.resolve("probes/execve.yaml");
            Files.writeString(yaml, Files.readString(yaml).replace("help: execve() calls", "help: All execve() calls"));

            assertThat(d.reload().get(30, TimeUnit.SECONDS))
                    .isEqualTo("probe sets: 0 added, 1 changed, 0 removed, 1 unchanged");
            assertThat(ids(d, "execve")).hasSameSizeAs(execve).doesNotContainAnyElementsOf(execve);
            assertThat(BpfPrograms.idsNamed("tp_execve")).doesNotContainAnyElementsOf(execve);
            execs(dir, comm, 5);
            String body = Scrape.get(d.address(), "/metrics").body();
            assertThat(Scrape.value(body, series)).isEqualTo(11); // the new program counts on in the same map
            assertThat(body).contains("# HELP kprom_execve_total All execve() calls");
        }
    }

    @Test
    void anInvalidEditIsRefusedAndTheRunningConfigServesOn(@TempDir Path dir) throws Exception {
        try (Daemon d = start(configDir(dir, ""))) {
            Set<Integer> execve = ids(d, "execve");
            String comm = comm();
            String series = execs(dir, comm, 3);
            Path yaml = dir.resolve("probes/execve.yaml");
            Files.writeString(yaml, Files.readString(yaml).replace("{name: string}", "{name: strng}"));

            assertThatThrownBy(() -> d.reload().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining(yaml + ":")
                    .hasMessageContaining("unknown decoder (got \"strng\"");
            execs(dir, comm, 2);
            String body = Scrape.get(d.address(), "/metrics").body();
            assertThat(Scrape.value(body, series)).isEqualTo(5);
            assertThat(body)
                    .contains(
                            "kprom_config_last_reload_successful 0.0",
                            "kprom_config_reloads_total{result=\"failure\"} 1.0");
            assertThat(ids(d, "execve")).isEqualTo(execve);
        }
    }

    @Test
    void postReloadWorksOnlyWhenTheLifecycleApiIsEnabled(@TempDir Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (Daemon d = start(configDir(dir, ""))) {
            HttpResponse<String> off = http.send(post(d), HttpResponse.BodyHandlers.ofString());
            assertThat(off.statusCode()).isEqualTo(403);
            assertThat(off.body()).contains("enable_lifecycle");
            // turning it on is itself a reload (here by SIGHUP's path); then POST works
            Files.writeString(
                    dir.resolve("kprom.yaml"),
                    Files.readString(dir.resolve("kprom.yaml")) + "enable_lifecycle: true\n");
            d.reload().get(30, TimeUnit.SECONDS);
            HttpResponse<String> on = http.send(post(d), HttpResponse.BodyHandlers.ofString());
            assertThat(on.statusCode()).isEqualTo(200);
            assertThat(on.body()).isEqualTo("probe sets: 0 added, 0 changed, 0 removed, 2 unchanged\n");
            HttpResponse<String> get = http.send(
                    HttpRequest.newBuilder(uri(d, "/-/reload")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
        }
    }

    private static HttpRequest post(Daemon d) {
        return HttpRequest.newBuilder(uri(d, "/-/reload"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private static URI uri(Daemon d, String path) {
        return URI.create("http://127.0.0.1:" + d.address().getPort() + path);
    }

    @Test
    void aConfigMapStyleSymlinkSwapIsPickedUp(@TempDir Path dir) throws Exception {
        // As the kubelet lays out a ConfigMap: ..<timestamp>/ holds the files, ..data points at it, and the visible
        // names point through ..data; an update writes a new ..<timestamp>/ and swaps ..data in one rename.
        Path first = dir.resolve("..2026_12_03_09_00_00.1");
        configDir(first, "");
        Files.writeString(first.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [execve]\n");
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(dir.resolve("kprom.yaml"), Path.of("..data/kprom.yaml"));
        Files.createSymbolicLink(dir.resolve("probes"), Path.of("..data/probes"));
        try (Daemon d = start(dir.resolve("kprom.yaml"))) {
            assertThat(d.probeSets()).extracting(p -> p.name()).containsExactly("execve");
            Path second = dir.resolve("..2026_12_03_09_05_00.2");
            configDir(second, "");
            Files.writeString(second.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [execve, oomkill]\n");
            Path link = dir.resolve("..data_tmp");
            Files.createSymbolicLink(link, second.getFileName());
            Files.move(
                    link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            await(() -> d.probeSets().size() == 2, "the swapped-in config to be applied");
            assertThat(d.probeSets()).extracting(p -> p.name()).containsExactly("execve", "oomkill");
        }
    }
}
