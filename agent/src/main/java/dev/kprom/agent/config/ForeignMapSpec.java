package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * A map that another program made (Cilium, Calico, a tool of yours), read as one of the probe set's maps: metrics name
 * it by {@code name}. It is found by its bpffs {@code pinned} path, by kernel {@code id}, or by {@code map_name} (the
 * name it was created with), optionally held open by a process whose command is {@code owner}. Its key and value
 * layouts come from the map's own BTF. kprom opens it read-only and never writes to it.
 * <pre>
 * foreign_maps:
 *   - {name: conntrack, pinned: /sys/fs/bpf/tc/globals/cilium_ct4_global}
 *   - {name: flows, map_name: flow_stats, owner: my-agent}
 * </pre>
 */
public record ForeignMapSpec(
        String name, String pinned, Integer id, @JsonProperty("map_name") String mapName, String owner) {
    /** "pinned /sys/fs/bpf/x", "id 42", "map_name flows (held by my-agent)". */
    public String describe() {
        if (pinned != null) return "pinned map " + pinned;
        if (id != null) return "map id " + id;
        return "map named " + mapName + (owner != null ? " held by " + owner : "");
    }

    /** Problems with this entry alone, each as "field: what is wrong". */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        int ways = (pinned != null ? 1 : 0) + (id != null ? 1 : 0) + (mapName != null ? 1 : 0);
        if (ways != 1) problems.add("needs exactly one of pinned, id, map_name (got " + ways + ")");
        if (pinned != null && !pinned.startsWith("/")) problems.add("pinned: must be an absolute bpffs path");
        if (id != null && id <= 0) problems.add("id: must be > 0 (got " + id + ")");
        if (owner != null && mapName == null) problems.add("owner: narrows map_name only");
        return problems;
    }
}
