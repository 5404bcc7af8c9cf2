// SPDX-License-Identifier: GPL-2.0
/* Test object for attach fallback: one program the verifier rejects, one that
 * works. Both would count getppid() calls per thread id in getppid_total. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} getppid_total SEC(".maps");

/* Rejected: reads a map value without the NULL check the verifier demands. */
SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_rejected(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&getppid_total, &key);

	return *(volatile __u64 *)v != 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	kprom_count(getppid_total, &tid, 1);
	return 0;
}

SEC("kprobe")
int kprobe_getppid(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	kprom_count(getppid_total, &tid, 1);
	return 0;
}

/* fentry on the getppid syscall function, whose name kprom sets before load. */
SEC("fentry")
int BPF_PROG(fentry_getppid)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	kprom_count(getppid_total, &tid, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
