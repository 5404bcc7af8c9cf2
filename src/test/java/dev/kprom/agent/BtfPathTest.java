package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.btf.KernelBtf;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Cli;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * btf_path: CO-RE objects relocated against a BTF file kprom is given (a directory of <release>.btf, as BTFHub
 * lays them out), as on a kernel without /sys/kernel/btf/vmlinux; /probes and check-config say which BTF.
 */
@BpfTest
class BtfPathTest {
    @AfterEach
    void ownBtfAgain() {
        KernelBtf.use(null); // process-wide: the tests after this one relocate against the kernel's own
    }

    @Test
    void aDirectoryOfBtfByReleaseIsUsedAndShown(@TempDir Path dir) throws Exception {
        Path btfhub = Files.createDirectories(dir.resolve("btfhub"));
        Path copy = Files.copy(KernelBtf.OWN, btfhub.resolve(KernelBtf.release() + ".btf"));
        Files.writeString(
                dir.resolve("kprom.yaml"), "probe_sets: [execve]\nwatch_config: false\nbtf_path: " + btfhub + "\n");
        try (Daemon d =
                Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            JsonNode probes = new ObjectMapper()
                    .readTree(Scrape.get(d.address(), "/probes").body());
            assertThat(probes.get(0).path("btf").asText()).isEqualTo(copy.toString());
            assertThat(probes.get(0).path("up").asBoolean()).isTrue();
            new ProcessBuilder("/bin/true").start().waitFor();
            assertThat(Scrape.get(d.address(), "/metrics").body()).contains("kprom_execve_total{");
        }
        assertThat(Cli.run("check-config", dir.resolve("kprom.yaml").toString()).out())
                .contains("BTF for CO-RE: " + copy);
    }

    @Test
    void aDirectoryWithoutThisKernelsBtfIsAConfigError(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("btfhub"));
        Files.writeString(dir.resolve("kprom.yaml"), "probe_sets: [execve]\nbtf_path: " + empty + "\n");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("kprom.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("btf_path: no BTF for kernel " + KernelBtf.release() + " in " + empty);
    }

    @Test
    void aRefusedReloadKeepsTheRunningConfigurationsBtf(@TempDir Path dir) throws Exception {
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));
        Path btf = Files.copy(KernelBtf.OWN, first.resolve(KernelBtf.release() + ".btf"));
        Files.copy(KernelBtf.OWN, second.resolve(KernelBtf.release() + ".btf"));
        Path config = dir.resolve("kprom.yaml");
        Files.writeString(config, "probe_sets: [execve]\nwatch_config: false\nbtf_path: " + first + "\n");
        try (Daemon d = Daemon.start(ConfigLoader.load(config), new InetSocketAddress("127.0.0.1", 0))) {
            Files.createDirectories(dir.resolve("probes"));
            Files.writeString(
                    dir.resolve("probes/broken.yaml"),
                    "object: execve.bpf.o\nmetrics: {counters: [{name: nope_total, help: h}]}\n");
            Files.writeString(config, "probe_sets: [execve, broken]\nwatch_config: false\nbtf_path: " + second + "\n");
            assertThatThrownBy(() -> d.reload().join()).hasMessageContaining("broken");
            assertThat(KernelBtf.inUse()).isEqualTo(btf);
        }
    }
}
