package dev.kprom.agent.inventory;

import java.util.List;
import java.util.Map;

/**
 * The node's BPF objects at one walk. {@code entries}: the entry count of each hash-like map counted within the
 * walk's budget, by map id; {@code uncounted}: hash-like maps the budget left out.
 */
record InventorySnapshot(
        List<Program> programs,
        List<BpfMapInfo> maps,
        List<Link> links,
        Map<Integer, Long> entries,
        int uncounted,
        long walkNanos) {

    /** What holds an object open: a process (thread group) id and its command. */
    record Owner(int pid, String comm) {
        static final Owner NONE = new Owner(0, "");
    }

    /** {@code struct bpf_prog_info}'s fields kprom exports, with its holder, links' targets and pin. */
    record Program(
            int id,
            String type,
            String name,
            byte[] tag,
            long runCount,
            long runTimeNs,
            long jitedBytes,
            long translatedBytes,
            long verifiedInstructions,
            long memlockBytes,
            Owner owner,
            String attach,
            String pinned) {}

    /** {@code struct bpf_map_info}'s fields kprom exports, with its holder and pin. */
    record BpfMapInfo(
            int id,
            String type,
            String name,
            int keySize,
            int valueSize,
            int maxEntries,
            int flags,
            long memlockBytes,
            Owner owner,
            String pinned) {}

    /** A link: its type, program, what it attaches to ("tracepoint syscalls/sys_enter_execve"), holder and pin. */
    record Link(int id, String type, int programId, String attach, Owner owner, String pinned) {}
}
