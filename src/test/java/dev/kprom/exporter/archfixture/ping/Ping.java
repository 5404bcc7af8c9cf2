package dev.kprom.exporter.archfixture.ping;

import dev.kprom.exporter.archfixture.pong.Pong;

/** Half of a deliberate package cycle for {@code LayeringRulesTest}. */
public final class Ping {
    public Pong pong;
}
