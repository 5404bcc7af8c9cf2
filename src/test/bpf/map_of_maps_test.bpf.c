// SPDX-License-Identifier: GPL-2.0
/* Test object for maps of maps: getppid() calls counted per thread id in one
 * of two inner hashes, chosen by the thread id's parity (the outer key). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct tid_key {
	__u32 tid;
};

struct inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct tid_key);
	__type(value, __u64);
} inner_even SEC(".maps"), inner_odd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} calls_by_parity SEC(".maps") = {
	.values = { [0] = &inner_even, [1] = &inner_odd },
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	struct tid_key key = { .tid = (__u32)bpf_get_current_pid_tgid() };
	__u32 parity = key.tid & 1;
	void *inner = bpf_map_lookup_elem(&calls_by_parity, &parity);

	if (inner)
		kprom_count_in(inner, &key, 1, "calls_by_parity");
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
