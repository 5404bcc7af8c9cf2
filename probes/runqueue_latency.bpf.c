// SPDX-License-Identifier: GPL-2.0
/* runqueue_latency: how long runnable tasks wait for a CPU, as an exp2
 * histogram of nanoseconds (exported in seconds).
 *
 * A task is stamped when it becomes runnable (woken, newly created, or
 * preempted while still running) and measured when sched_switch picks it.
 * tp_btf programs are preferred; raw_tp ones read the same arguments with
 * CO-RE where tp_btf is unavailable. target_tgid (0: all) limits it to one
 * process. Every context switch passes through here: opt-in. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

#define TASK_RUNNING 0

const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);   /* pid (thread id) */
	__type(value, __u64); /* ktime when it became runnable */
} runnable_since SEC(".maps");

/* buckets.max in config/probes/runqueue_latency.yaml: 2^36 ns, about 69 s */
#define MAX_BUCKET 36

/* key: the exp2 bucket index of the wait in ns; MAX_BUCKET + 1: the sum of waits */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} runqueue_latency_seconds SEC(".maps");

/* Kernels before 5.14 call it state. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___old *)t, state);
}

static __always_inline int stamp(struct task_struct *t)
{
	__u32 pid = BPF_CORE_READ(t, pid);
	__u64 now;

	if (!pid || (target_tgid && BPF_CORE_READ(t, tgid) != target_tgid))
		return 0;
	now = bpf_ktime_get_ns();
	kprom_update(runnable_since, &pid, &now, BPF_ANY);
	return 0;
}

static __always_inline int on_switch(struct task_struct *prev, struct task_struct *next)
{
	__u32 pid = BPF_CORE_READ(next, pid), bucket;
	__u64 *since, wait;

	if (task_state(prev) == TASK_RUNNING)
		stamp(prev); /* preempted: back on the runqueue */
	since = bpf_map_lookup_elem(&runnable_since, &pid);
	if (!since)
		return 0;
	wait = bpf_ktime_get_ns() - *since;
	bpf_map_delete_elem(&runnable_since, &pid);
	kprom_observe_exp2(runqueue_latency_seconds, &bucket, bucket, wait, MAX_BUCKET);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(btf_sched_wakeup, struct task_struct *p) { return stamp(p); }

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(btf_sched_wakeup_new, struct task_struct *p) { return stamp(p); }

SEC("tp_btf/sched_switch")
int BPF_PROG(btf_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev, next);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(raw_sched_wakeup, struct task_struct *p) { return stamp(p); }

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(raw_sched_wakeup_new, struct task_struct *p) { return stamp(p); }

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev, next);
}

char LICENSE[] SEC("license") = "GPL";
