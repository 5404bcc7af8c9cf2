/** Configuration read from YAML into immutable records: the daemon's file and probe sets. */
package dev.kprom.agent.config;
