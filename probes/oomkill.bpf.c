// SPDX-License-Identifier: GPL-2.0
/* oomkill: counts processes the OOM killer picked, by their comm and cgroup.
 * Fires once per victim; cheap (rare events).
 *   btf_mark_victim  tp_btf oom/mark_victim: the victim's task itself (its
 *                    first argument since 5.17), so comm and cgroup v2 id are
 *                    the victim's, whoever ran the OOM killer;
 *   tp_mark_victim   tracepoint oom/mark_victim: the comm from the event (a
 *                    __data_loc string since 5.17; before that "") and no
 *                    cgroup (0): the task running the OOM killer is not always
 *                    the victim (a global OOM kills anyone's process). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

struct oom_key {
	char comm[16];
	__u64 cgroup; /* the victim's cgroup v2 id: its pod and container, in Kubernetes */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct oom_key);
	__type(value, __u64);
} oom_kills_total SEC(".maps");

SEC("tp_btf/mark_victim")
int BPF_PROG(btf_mark_victim, struct task_struct *task)
{
	struct oom_key key = {};

	/* before 5.17 the tracepoint's argument was a pid, not the task: the
	 * victim is counted under "" as the tracepoint program counts it there */
	if (bpf_core_field_exists(struct trace_event_raw_mark_victim, __data_loc_comm)) {
		BPF_CORE_READ_STR_INTO(&key.comm, task, comm);
		key.cgroup = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	}
	kprom_count(oom_kills_total, &key, 1);
	return 0;
}

SEC("tracepoint/oom/mark_victim")
int tp_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct oom_key key = {};

	if (bpf_core_field_exists(ctx->__data_loc_comm)) {
		__u32 loc = BPF_CORE_READ(ctx, __data_loc_comm);

		bpf_probe_read_kernel_str(key.comm, sizeof(key.comm), (void *)ctx + (loc & 0xffff));
	}
	kprom_count(oom_kills_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
