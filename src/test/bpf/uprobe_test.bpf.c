// SPDX-License-Identifier: GPL-2.0
/* Test object for uprobes: counts calls of a user-space function at entry and
 * at return, and sums what it returned. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

struct call_key {
	__u32 where; /* 0: entry, 1: return */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct call_key);
	__type(value, __u64);
} calls_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct call_key);
	__type(value, __u64);
} returned_total SEC(".maps");

SEC("uprobe")
int BPF_KPROBE(uprobe_target, int i)
{
	struct call_key key = {.where = 0};

	kprom_count(calls_total, &key, 1);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(uretprobe_target, int ret)
{
	struct call_key key = {.where = 1};

	kprom_count(calls_total, &key, 1);
	kprom_count(returned_total, &key, ret);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
