// SPDX-License-Identifier: GPL-2.0
/* context_switches: tasks leaving a CPU, by command and whether they gave it up
 * (voluntary: waiting on I/O, a lock, a sleep) or were preempted. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

#define TASK_RUNNING 0

struct switch_key {
	char comm[16];
	__u32 voluntary;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct switch_key);
	__type(value, __u64);
} context_switches_total SEC(".maps");

SEC("tracepoint/sched/sched_switch")
int tp_sched_switch(struct trace_event_raw_sched_switch *ctx)
{
	struct switch_key key = {};

	if (!ctx->prev_pid)
		return 0; /* the idle task */
	bpf_probe_read_kernel(key.comm, sizeof(key.comm), ctx->prev_comm);
	key.voluntary = ctx->prev_state != TASK_RUNNING;
	kprom_count(context_switches_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
