package dev.kprom.exporter.archfixture.pong;

import dev.kprom.exporter.archfixture.ping.Ping;

/** The other half of a deliberate package cycle for {@code LayeringRulesTest}. */
public final class Pong {
    public Ping ping;
}
