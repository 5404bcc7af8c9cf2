// SPDX-License-Identifier: GPL-2.0
/* syscall_errors: system calls that failed, by syscall, errno, the calling
 * command and its cgroup. One map update per failed call; successful calls cost a compare. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

#define MAX_ERRNO 4095

struct err_key {
	__u32 nr;
	__u32 err;
	char comm[16];
	__u64 cgroup; /* the caller's cgroup v2 id: its pod and container, in Kubernetes */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct err_key);
	__type(value, __u64);
} syscall_errors_total SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_exit")
int tp_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct err_key key = {};
	long ret = ctx->ret;

	if (ret >= 0 || ret < -MAX_ERRNO) /* a result, or an address (mmap) */
		return 0;
	key.nr = (__u32)ctx->id;
	key.err = (__u32)-ret;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.cgroup = bpf_get_current_cgroup_id();
	kprom_count(syscall_errors_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
