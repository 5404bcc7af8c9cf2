// SPDX-License-Identifier: GPL-2.0
/* process_exits: processes that exited, by command, exit status, the signal
 * that killed them (0: none) and cgroup: crash loops, OOM kills, failing jobs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

struct exit_key {
	char comm[16];
	__u32 status; /* the exit() status, 0-255 */
	__u32 signal; /* the signal that ended it, 0 if it exited */
	__u64 cgroup; /* its cgroup v2 id: its pod and container, in Kubernetes */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct exit_key);
	__type(value, __u64);
} process_exits_total SEC(".maps");

SEC("tracepoint/sched/sched_process_exit")
int tp_process_exit(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct exit_key key = {};
	__u32 code;

	if (BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0; /* a thread, not the process */
	code = BPF_CORE_READ(task, exit_code); /* do_exit set it before this tracepoint */
	key.status = (code >> 8) & 0xff;
	key.signal = code & 0x7f;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.cgroup = bpf_get_current_cgroup_id();
	kprom_count(process_exits_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
