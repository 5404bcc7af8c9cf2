package dev.kprom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics}: what it finds to report in an exposition ("" when nothing). */
public final class Promtool {
    private Promtool() {}

    public static String checkMetrics(String exposition, Path dir) throws Exception {
        Path scrape = Files.writeString(dir.resolve("scrape.txt"), exposition);
        Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                .redirectInput(scrape.toFile())
                .redirectErrorStream(true)
                .start();
        String findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return findings;
    }
}
