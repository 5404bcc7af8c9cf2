package dev.kprom.agent.config;

import java.util.Map;

/**
 * A {@code BPF_MAP_TYPE_PROG_ARRAY} filled before the programs attach, as bcc's dispatchers fill theirs: each entry
 * an index and the program it jumps to with {@code bpf_tail_call}. The target programs are loaded with the rest
 * (they need no attach alternative of their own).
 * <pre>
 * tail_calls:
 *   - map: dispatch
 *     entries: {0: handle_read, 1: handle_write}
 * </pre>
 */
public record TailCallSpec(String map, Map<Integer, String> entries) {
    public TailCallSpec {
        entries = entries == null ? Map.of() : Map.copyOf(entries);
    }
}
