// SPDX-License-Identifier: GPL-2.0
/* shrinker_latency: time spent in each slab shrinker when the kernel reclaims
 * memory, by shrinker function: the stalls memory pressure causes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

#define MAX_BUCKET 32 /* buckets.max in config/probes/shrinker_latency.yaml: 2^32 ns */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* thread id */
	__type(value, __u64);
} shrink_started SEC(".maps");

struct shrink_key {
	__u64 function;
	__u32 bucket;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct shrink_key);
	__type(value, __u64);
} shrinker_latency_seconds SEC(".maps");

SEC("tracepoint/vmscan/mm_shrink_slab_start")
int tp_shrink_start(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	kprom_update(shrink_started, &tid, &now, BPF_ANY);
	return 0;
}

SEC("tracepoint/vmscan/mm_shrink_slab_end")
int tp_shrink_end(struct trace_event_raw_mm_shrink_slab_end *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *at = bpf_map_lookup_elem(&shrink_started, &tid);
	struct shrink_key key = {};
	__u64 took;

	if (!at)
		return 0;
	took = bpf_ktime_get_ns() - *at;
	bpf_map_delete_elem(&shrink_started, &tid);
	key.function = (__u64)ctx->shrink;
	kprom_observe_exp2(shrinker_latency_seconds, &key, key.bucket, took, MAX_BUCKET);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
