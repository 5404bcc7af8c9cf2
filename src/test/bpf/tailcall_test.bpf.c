// SPDX-License-Identifier: GPL-2.0
/* Test object for tail calls: the n-th getppid() call of one process jumps to
 * dispatch[n % 3]; slots 0 and 1 are filled from config, slot 2 is left empty,
 * so that call falls through and counts under 99. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

const volatile __u32 target_tgid = 0;
__u32 calls = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} dispatch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} handled_total SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int dispatcher(void *ctx)
{
	__u32 key = 99;
	__u32 n;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	n = calls++; /* the test calls from one thread at a time */
	bpf_tail_call(ctx, &dispatch, n % 3);
	kprom_count(handled_total, &key, 1); /* no program in that slot */
	return 0;
}

SEC("tracepoint")
int handle_first(void *ctx)
{
	__u32 key = 0;

	kprom_count(handled_total, &key, 1);
	return 0;
}

SEC("tracepoint")
int handle_second(void *ctx)
{
	__u32 key = 1;

	kprom_count(handled_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
