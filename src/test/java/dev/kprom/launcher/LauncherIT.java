package dev.kprom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.testing.BpfTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/kprom, as make run and the image use it, on the packaged jar: its JVM flags are valid on this JVM and in
 * force, and the class data archive tools/cds-archive.sh records (a daemon training run, as root) is mapped.
 * A copy of the jar is used so the build's own archive is left alone.
 */
@BpfTest
class LauncherIT {
    private record Run(int code, String out) {}

    private static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS))
                .as("%s still running", List.of(command))
                .isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void theLauncherRunsTheJarWithItsFootprintFlagsAndTheClassArchive() throws Exception {
        Path dir = Files.createTempDirectory("kprom-launcher");
        Path jar = Files.copy(Path.of("target/kprom.jar"), dir.resolve("kprom.jar"));
        Map<String, String> env = Map.of("KPROM_JAR", jar.toString());

        Run flags = run(
                Map.of("KPROM_JAR", jar.toString(), "KPROM_JAVA_OPTS", "-XX:+PrintFlagsFinal"),
                "bin/kprom",
                "--version");
        assertThat(flags.code()).as(flags.out()).isZero();
        assertThat(flags.out())
                .containsPattern("bool UseSerialGC\\s+= true")
                .containsPattern("intx TieredStopAtLevel\\s+= 1 ")
                .containsPattern("intx CICompilerCount\\s+= 1 ")
                .containsPattern("size_t MaxHeapSize\\s+= 134217728 ")
                .contains("kprom ");

        Run archive = run(Map.of(), "bash", "tools/cds-archive.sh", "java", jar.toString(), "config/kprom.yaml");
        assertThat(archive.code()).as(archive.out()).isZero();
        assertThat(dir.resolve("kprom.jsa")).isNotEmptyFile();

        Run check = run(
                Map.of("KPROM_JAR", jar.toString(), "KPROM_JAVA_OPTS", "-Xlog:class+load=info"),
                "bin/kprom",
                "check-config",
                "config/kprom.yaml");
        assertThat(check.code()).as(check.out()).isZero();
        assertThat(check.out())
                .contains("config/kprom.yaml: OK")
                .containsPattern("dev\\.kprom\\.agent\\.Main source: shared objects file \\(top\\)");

        Run plain = run(env, "bin/kprom", "--version");
        assertThat(plain.out().strip())
                .as("the archive in use, nothing else is printed")
                .matches("kprom \\S+");
    }
}
