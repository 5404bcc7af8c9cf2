// SPDX-License-Identifier: GPL-2.0
/* fs_latency: time spent in ext4's and XFS's read, write, open and fsync file
 * operations, by filesystem and operation: what applications wait for from
 * the filesystem itself (cached reads included), below the syscall and above
 * the block layer (block_io_latency).
 *
 * No tracepoint marks these operations, so each is timed from its function's
 * entry to its return: fentry and fexit where the kernel allows them (a direct
 * call), else a kprobe and a kretprobe. ext4 and XFS are often modules: a
 * filesystem not loaded when kprom starts leaves its slots empty (optional)
 * until the next reload. Each (filesystem, operation) has its own programs, so
 * the exit knows what it times without a lookup. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

#define MAX_BUCKET 36 /* buckets.max in config/probes/fs_latency.yaml: 2^36 ns */

enum fs_kind { FS_EXT4 = 0, FS_XFS = 1 };
enum fs_op { FS_READ = 0, FS_WRITE = 1, FS_OPEN = 2, FS_FSYNC = 3 };

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);   /* thread id: these operations do not nest within a thread */
	__type(value, __u64); /* entry time, ns */
} fs_started SEC(".maps");

struct fs_key {
	__u32 fs;
	__u32 op;
	__u32 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct fs_key);
	__type(value, __u64);
} fs_latency_seconds SEC(".maps");

static __always_inline int enter(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	kprom_update(fs_started, &tid, &now, BPF_ANY);
	return 0;
}

static __always_inline int leave(__u32 fs, __u32 op)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fs_key key = {.fs = fs, .op = op};
	__u64 *at = bpf_map_lookup_elem(&fs_started, &tid);
	__u64 took;

	if (!at)
		return 0;
	took = bpf_ktime_get_ns() - *at;
	bpf_map_delete_elem(&fs_started, &tid);
	kprom_observe_exp2(fs_latency_seconds, &key, key.bucket, took, MAX_BUCKET);
	return 0;
}

#define FS_OP(fs, op, FS, OP)                                                       \
	SEC("fentry") int BPF_PROG(fentry_##fs##_##op) { return enter(); }          \
	SEC("fexit") int BPF_PROG(fexit_##fs##_##op) { return leave(FS, OP); }      \
	SEC("kprobe") int kprobe_##fs##_##op(void *ctx) { return enter(); }         \
	SEC("kretprobe") int kretprobe_##fs##_##op(void *ctx) { return leave(FS, OP); }

FS_OP(ext4, read, FS_EXT4, FS_READ)
FS_OP(ext4, write, FS_EXT4, FS_WRITE)
FS_OP(ext4, open, FS_EXT4, FS_OPEN)
FS_OP(ext4, fsync, FS_EXT4, FS_FSYNC)
FS_OP(xfs, read, FS_XFS, FS_READ)
FS_OP(xfs, write, FS_XFS, FS_WRITE)
FS_OP(xfs, open, FS_XFS, FS_OPEN)
FS_OP(xfs, fsync, FS_XFS, FS_FSYNC)

char LICENSE[] SEC("license") = "GPL";
