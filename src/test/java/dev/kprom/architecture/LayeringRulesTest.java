package dev.kprom.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.kprom.exporter.archfixture.ExporterUsingAgent;
import dev.kprom.exporter.archfixture.ping.Ping;
import dev.kprom.exporter.archfixture.pong.Pong;
import org.junit.jupiter.api.Test;

/** The layering rules can fail: each is shown a deliberate breach (test fixtures, never part of the jar). */
class LayeringRulesTest {
    @Test
    void anExporterClassImportingTheAgentBreaksTheRule() {
        JavaClasses breach = new ClassFileImporter().importClasses(ExporterUsingAgent.class);
        assertThat(LayeringTest.EXPORTER_NEVER_USES_AGENT.evaluate(breach).hasViolation())
                .isTrue();
    }

    @Test
    void aCycleBetweenExporterPackagesBreaksTheRule() {
        JavaClasses cycle = new ClassFileImporter().importClasses(Ping.class, Pong.class);
        assertThat(LayeringTest.NO_EXPORTER_CYCLES.evaluate(cycle).hasViolation())
                .isTrue();
    }
}
