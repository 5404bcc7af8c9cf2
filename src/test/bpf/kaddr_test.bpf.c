// SPDX-License-Identifier: GPL-2.0
/* Test object for kaddrs: kprom sets kaddr_jiffies_to_msecs to the kernel's address of
 * jiffies_to_msecs before load; each getppid() copies it into seen[0]. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

const volatile __u64 kaddr_jiffies_to_msecs = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	__u32 zero = 0;
	__u64 addr = kaddr_jiffies_to_msecs;

	bpf_map_update_elem(&seen, &zero, &addr, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
