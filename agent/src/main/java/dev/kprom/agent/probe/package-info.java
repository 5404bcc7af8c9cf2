/** Probe sets brought to life: object opened, the first workable attach alternative per program chosen, maps wired to collectors. */
package dev.kprom.agent.probe;
