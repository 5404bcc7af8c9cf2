package dev.kprom.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.Daemon;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.testing.BpfTest;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This kernel refuses fentry (EPERM): the daemon learns it from the first program it tries to load, and every other
 * probe set (and every retry) skips fentry at once, saying why, instead of loading its object again to find out.
 */
@BpfTest
class AttachRefusalTest {
    @Test
    void aRefusedAttachKindIsLearnedOnceForTheDaemon(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "probe_sets: [execve, connect]\nwatch_config: false\n");
        try (Daemon kprom =
                Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            ProgramStatus execve = program(kprom, "execve", "execve");
            ProgramStatus connect = program(kprom, "connect", "enter");
            assertThat(execve.skipped().get(0)).contains("load failed: ").contains("EPERM (1)"); // found out
            assertThat(connect.skipped().get(0))
                    .startsWith("fentry __sys_connect (program fentry_connect): this kernel refused an earlier fentry"
                            + " program (load execve.bpf.o: program fentry_execve: EPERM (1)"); // known already
        }
    }

    private static ProgramStatus program(Daemon kprom, String set, String slot) {
        ProbeSet probes = kprom.probeSets().stream()
                .filter(p -> p.name().equals(set))
                .findFirst()
                .orElseThrow();
        return probes.status().programs().stream()
                .filter(p -> p.slot().equals(slot))
                .findFirst()
                .orElseThrow();
    }
}
