/** Live BPF kernel objects (object, program, map, link), each an {@code AutoCloseable} handle or a view owned by one. */
package dev.kprom.agent.bpf;
