package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nu.validator.client.EmbeddedValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of a kprom running every built-in probe set, as a browser shows it: Debian's chromium, headless,
 * at a phone's width, renders a section for each probe set (the DOM it builds is checked, and its screenshot kept in
 * target/status-page/ as an artifact), and the Nu Html Checker finds no error or warning in the HTML served.
 */
@BpfTest
class StatusPageBrowserTest {
    private static final List<String> BUILT_INS = List.of(
            "execve", "connect", "syscalls", "oomkill", "tcp_retransmits", "runqueue_latency", "block_io_latency");
    private static final Path ARTIFACTS = Path.of("target/status-page");

    @Test
    void everyProbeSetRendersInARealBrowserAndTheHtmlIsValid(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("kprom.yaml"),
                "probe_sets: [" + String.join(", ", BUILT_INS) + "]\nevents_path: /events\nwatch_config: false\n");
        try (Daemon d =
                Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            Scrape.get(d.address(), "/metrics"); // every map read once: entries and last-read times to show
            new ProcessBuilder("true").start().waitFor();
            String url = "http://127.0.0.1:" + d.address().getPort() + "/";
            String html = Scrape.get(d.address(), "/").body();
            Files.createDirectories(ARTIFACTS);
            Files.writeString(ARTIFACTS.resolve("status.html"), html);

            String dom = chromium("--dump-dom", url);
            for (String p : BUILT_INS) assertThat(dom).contains("<section id=\"probe-" + p + "\"><h2>" + p + " ");
            assertThat(dom).contains("<span class=\"ok\">ready</span>", "tracepoint syscalls/sys_enter_execve");
            chromium(
                    "--screenshot=" + ARTIFACTS.resolve("status-phone.png").toAbsolutePath(),
                    "--window-size=412,2400",
                    url);
            chromium(
                    "--screenshot=" + ARTIFACTS.resolve("status-desktop.png").toAbsolutePath(),
                    "--window-size=1280,1800",
                    url);
            assertThat(ARTIFACTS.resolve("status-phone.png")).isNotEmptyFile();
            assertThat(ARTIFACTS.resolve("status-desktop.png")).isNotEmptyFile();

            EmbeddedValidator validator = new EmbeddedValidator();
            validator.setOutputFormat(EmbeddedValidator.OutputFormat.GNU);
            String report = validator.validate(Files.newInputStream(ARTIFACTS.resolve("status.html")));
            assertThat(report).as("Nu Html Checker").isBlank();
        }
    }

    /** Runs headless chromium (as root it needs --no-sandbox) and returns what it printed. */
    private static String chromium(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as("chromium exit").isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
