/** The native boundary: libbpf and libc functions bound with JNA, named like the C they bind, plus errno formatting. */
package dev.kprom.agent.libbpf;
