package dev.kprom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules shipped in the chart (and for plain Prometheus) pass {@code promtool check rules} and their unit
 * tests ({@code promtool test rules}), and every alert has a test where it fires and one where it stays quiet.
 */
class AlertRulesTest {
    static final Path RULES = Path.of("helm/kprom/files/kprom-alerts.yaml").toAbsolutePath();
    private static final Path TESTS = Path.of("src/test/resources/monitoring/kprom-alerts.test.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String promtool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theRulesAreValidAndTheirUnitTestsPass(@TempDir Path dir) throws Exception {
        assertThat(promtool("check", "rules", RULES.toString())).contains("SUCCESS: 13 rules found");
        Path tests = Files.writeString(
                dir.resolve("kprom-alerts.test.yaml"), Files.readString(TESTS).replace("  - RULES", "  - " + RULES));
        assertThat(promtool("test", "rules", tests.toString())).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() throws Exception {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups"))
            for (JsonNode rule : group.path("rules"))
                alerts.add(rule.path("alert").asText());
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : YAML.readTree(TESTS.toFile()).path("tests")) {
            for (JsonNode c : test.path("alert_rule_test")) {
                (c.path("exp_alerts").isEmpty() ? quiet : firing)
                        .add(c.path("alertname").asText());
            }
        }
        assertThat(alerts).hasSize(13);
        assertThat(firing).as("alerts tested firing").isEqualTo(alerts);
        assertThat(quiet).as("alerts tested quiet").isEqualTo(alerts);
    }
}
