// SPDX-License-Identifier: GPL-2.0
/* execve: counts execve() calls by (uid, comm, cgroup of the caller).
 *
 * Three programs count the same thing; kprom attaches the first one the kernel
 * supports (config/probes/execve.yaml lists them in order, cheapest first):
 *   fentry_execve  fentry on the execve syscall function (needs kernel BTF;
 *                  kprom sets the target, resolved from /proc/kallsyms, before
 *                  load): a direct call, no breakpoint trap;
 *   kprobe_execve  kprobe on the execve syscall symbol, resolved by kprom from
 *                  /proc/kallsyms (the target is given at attach time, so SEC
 *                  names no function);
 *   tp_execve      tracepoint syscalls/sys_enter_execve, always present where
 *                  syscall tracepoints are.
 * The comm is the caller's: at syscall entry the new image is not loaded yet. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

struct execve_key {
	__u32 uid;
	char comm[16];
	__u64 cgroup; /* the caller's cgroup v2 id: its pod and container, in Kubernetes */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct execve_key);
	__type(value, __u64);
} execve_total SEC(".maps");

static __always_inline int count_execve(void)
{
	struct execve_key key = {};

	key.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.cgroup = bpf_get_current_cgroup_id();
	kprom_count(execve_total, &key, 1);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_execve)
{
	return count_execve();
}

SEC("kprobe")
int kprobe_execve(void *ctx)
{
	return count_execve();
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_execve(void *ctx)
{
	return count_execve();
}

char LICENSE[] SEC("license") = "GPL";
