// SPDX-License-Identifier: GPL-2.0
/* syscalls: counts system calls by number and caller's comm.
 *
 * Alternatives (config/probes/syscalls.yaml): raw_tracepoint sys_enter (no
 * argument copying, the cheaper one), then tracepoint raw_syscalls/sys_enter.
 * Every syscall on the machine passes through here: opt-in, not in defaults. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct syscall_key {
	__u32 nr;
	char comm[16];
	__u64 cgroup; /* the caller's cgroup v2 id: its pod and container, in Kubernetes */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct syscall_key);
	__type(value, __u64);
} syscalls_total SEC(".maps");

static __always_inline int count_syscall(__u64 nr)
{
	struct syscall_key key = {};

	key.nr = (__u32)nr;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.cgroup = bpf_get_current_cgroup_id();
	kprom_count(syscalls_total, &key, 1);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int rtp_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return count_syscall(ctx->args[1]); /* args: struct pt_regs *regs, long id */
}

SEC("tracepoint/raw_syscalls/sys_enter")
int tp_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	return count_syscall(ctx->id);
}

char LICENSE[] SEC("license") = "GPL";
