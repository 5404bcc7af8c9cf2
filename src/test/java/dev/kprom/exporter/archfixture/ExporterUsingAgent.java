package dev.kprom.exporter.archfixture;

import dev.kprom.agent.Version;

/** A deliberate breach for {@code LayeringRulesTest}: exporter code that imports the agent. */
public final class ExporterUsingAgent {
    private ExporterUsingAgent() {}

    public static String version() {
        return Version.get();
    }
}
