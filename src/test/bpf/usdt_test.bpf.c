// SPDX-License-Identifier: GPL-2.0
/* Test object for USDT: counts hits of a probe and sums its argument. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
#include "kprom.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ticks_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tick_args_total SEC(".maps");

SEC("usdt")
int BPF_USDT(usdt_tick, int i)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&ticks_total, &zero), *sum = bpf_map_lookup_elem(&tick_args_total, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	if (sum)
		__sync_fetch_and_add(sum, i);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
