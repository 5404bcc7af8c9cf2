package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The BPF inventory as a probe set's source: every program, map and link of the node, walked at most every
 * {@code refresh_seconds} (default 10; 0 at every scrape), counting at most {@code entries_budget} keys of hash-like
 * maps per walk (default 1,000,000). Its metrics read the tables {@code bpf_programs}, {@code bpf_maps},
 * {@code bpf_map_entries}, {@code bpf_links} and {@code bpf_inventory} as they would read maps.
 * <pre>
 * inventory: {refresh_seconds: 10, entries_budget: 1000000}
 * </pre>
 */
public record InventorySpec(
        @JsonProperty("refresh_seconds") Integer refreshSeconds, @JsonProperty("entries_budget") Long entriesBudget) {
    public long refreshNanos() {
        return (refreshSeconds == null ? 10 : refreshSeconds) * 1_000_000_000L;
    }

    public long entriesBudgetOrDefault() {
        return entriesBudget == null ? 1_000_000 : entriesBudget;
    }
}
