package dev.kprom.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The layering, as the build sees it: bench and tests on top, the agent (kernel, config, lifecycle) below them,
 * the exporter (pure Java: specs, decoders, collectors, HTTP) at the bottom. A rule broken here fails
 * {@code make test}; {@link LayeringRulesTest} shows each rule catching a deliberate breach.
 */
class LayeringTest {
    static final String EXPORTER = "dev.kprom.exporter..";
    static final String AGENT = "dev.kprom.agent..";

    /** The production classes (main code only: tests may reach across layers to set things up). */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.kprom");

    /** The exporter never depends on the agent. */
    static final ArchRule EXPORTER_NEVER_USES_AGENT = noClasses()
            .that()
            .resideInAPackage(EXPORTER)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(AGENT)
            .because("the exporter is pure Java: the agent feeds it, never the other way round");

    /** The exporter never reaches native code. */
    static final ArchRule EXPORTER_NEVER_USES_JNA = noClasses()
            .that()
            .resideInAPackage(EXPORTER)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("com.sun.jna..")
            .because("only the agent touches the kernel");

    /** HTTP serves what it is handed: no config reading, no kernel objects, no spec binding. */
    static final ArchRule HTTP_NEVER_REACHES_CONFIG_OR_KERNEL = noClasses()
            .that()
            .resideInAPackage("dev.kprom.exporter.http..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(AGENT, "dev.kprom.exporter.spec..", "dev.kprom.exporter.layout..", "com.sun.jna..")
            .because("the server is wired by a builder with collectors and status; what they read is not its business");

    /** No cycles between the exporter's packages, each package on its own (subpackages too). */
    static final ArchRule NO_EXPORTER_CYCLES =
            slices().matching("dev.kprom.exporter.(**)").should().beFreeOfCycles();

    /** No cycles between any of kprom's packages (the agent's included, each package on its own). */
    static final ArchRule NO_PACKAGE_CYCLES =
            slices().matching("dev.kprom.(**)").should().beFreeOfCycles();

    @Test
    void exporterNeverUsesAgent() {
        EXPORTER_NEVER_USES_AGENT.check(MAIN);
    }

    @Test
    void exporterNeverUsesJna() {
        EXPORTER_NEVER_USES_JNA.check(MAIN);
    }

    @Test
    void httpNeverReachesConfigOrKernel() {
        HTTP_NEVER_REACHES_CONFIG_OR_KERNEL.check(MAIN);
    }

    @Test
    void exporterPackagesHaveNoCycles() {
        NO_EXPORTER_CYCLES.check(MAIN);
    }

    @Test
    void noPackagesHaveCycles() {
        NO_PACKAGE_CYCLES.check(MAIN);
    }
}
