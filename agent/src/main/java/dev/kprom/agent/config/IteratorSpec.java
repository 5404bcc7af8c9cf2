package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A BPF iterator read as a map at every scrape: its program ({@code SEC("iter/task")}, {@code iter/bpf_map}, ...)
 * writes one {@code record} per object it visits with {@code bpf_seq_write}; the record is a struct of two members,
 * {@code key} and {@code value}, laid out by the object's BTF. Metrics name the iterator where they would name a map,
 * and records with the same key add up, value field by value field. A read stops at {@code max_bytes} (default
 * 16 MiB) and fails rather than serve part of the objects.
 * <pre>
 * iterators:
 *   - name: tasks_by_state        # metrics read it as their map
 *     program: dump_task_states   # SEC("iter/task")
 *     record: task_state_record   # struct { struct task_state_key key; __u64 value; }
 * </pre>
 */
public record IteratorSpec(String name, String program, String record, @JsonProperty("max_bytes") Long maxBytes) {
    public static final long DEFAULT_MAX_BYTES = 16L << 20;

    public long maxBytesOrDefault() {
        return maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes;
    }
}
