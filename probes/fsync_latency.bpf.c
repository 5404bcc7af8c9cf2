// SPDX-License-Identifier: GPL-2.0
/* fsync_latency: time spent in fsync() and fdatasync(), by call and command:
 * how long databases and loggers wait for their data to reach the disk. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

#define MAX_BUCKET 36 /* buckets.max in config/probes/fsync_latency.yaml: 2^36 ns */
#define OP_FSYNC 0
#define OP_FDATASYNC 1

struct start {
	__u64 at;
	__u32 op;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32); /* thread id */
	__type(value, struct start);
} started SEC(".maps");

struct sync_key {
	__u32 op;
	char comm[16];
	__u32 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct sync_key);
	__type(value, __u64);
} fsync_latency_seconds SEC(".maps");

static __always_inline int enter(__u32 op)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start s = {.at = bpf_ktime_get_ns(), .op = op};

	kprom_update(started, &tid, &s, BPF_ANY);
	return 0;
}

static __always_inline int leave(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sync_key key = {};
	struct start *s = bpf_map_lookup_elem(&started, &tid);
	__u64 took;

	if (!s)
		return 0;
	took = bpf_ktime_get_ns() - s->at;
	key.op = s->op;
	bpf_map_delete_elem(&started, &tid);
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	kprom_observe_exp2(fsync_latency_seconds, &key, key.bucket, took, MAX_BUCKET);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_fsync")
int tp_enter_fsync(void *ctx)
{
	return enter(OP_FSYNC);
}

SEC("tracepoint/syscalls/sys_enter_fdatasync")
int tp_enter_fdatasync(void *ctx)
{
	return enter(OP_FDATASYNC);
}

SEC("tracepoint/syscalls/sys_exit_fsync")
int tp_exit_fsync(void *ctx)
{
	return leave();
}

SEC("tracepoint/syscalls/sys_exit_fdatasync")
int tp_exit_fdatasync(void *ctx)
{
	return leave();
}

char LICENSE[] SEC("license") = "GPL";
