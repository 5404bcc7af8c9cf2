/** Keeping kprom up: probe sets that fail alone and are retried, reloads that apply only what changed. */
package dev.kprom.agent.lifecycle;
