// SPDX-License-Identifier: GPL-2.0
/* Test object for failed map updates: each getppid() call of one process
 * counts under a new key in a plain hash of 4 entries, so that from the fifth
 * call on every insert is refused and lands in kprom_update_errors. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

const volatile __u32 target_tgid = 0;
__u32 calls = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} getppid_calls_total SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	__u32 n;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	n = calls++; /* the test calls from one thread at a time */
	kprom_count(getppid_calls_total, &n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
