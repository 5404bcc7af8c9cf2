// SPDX-License-Identifier: GPL-2.0
/* cfs_throttling: how long CFS bandwidth control (cpu.max, a container's CPU
 * limit) held each cgroup's runqueues throttled, by cgroup: each time a
 * throttled runqueue of a CPU is released, the time it was held (one or more
 * periods: cpu.stat's nr_throttled counts periods), exactly as the scheduler
 * accounts it into cpu.stat's throttled_usec (the growth of the
 * group's cfs_bandwidth.throttled_time across unthrottle_cfs_rq). A pod whose
 * limit is too tight shows many and long ones here.
 * No tracepoint marks throttling: fentry/fexit on unthrottle_cfs_rq, else a
 * kprobe/kretprobe pair; unthrottling never nests on a CPU (the runqueue lock
 * is held), so a per-CPU slot carries entry to exit. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

#define MAX_BUCKET 36 /* buckets.max in config/probes/cfs_throttling.yaml: 2^36 ns */

struct throttle_key {
	__u64 cgroup; /* the throttled task group's cgroup v2 id */
	__u32 bucket;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct throttle_key);
	__type(value, __u64);
} cfs_throttled_seconds SEC(".maps");

struct entry {
	struct task_group *tg;
	__u64 throttled_time; /* the group's total before this release */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct entry);
} unthrottling SEC(".maps");

static __always_inline int enter(struct cfs_rq *cfs_rq)
{
	__u32 zero = 0;
	struct entry *e = bpf_map_lookup_elem(&unthrottling, &zero);

	struct task_group *tg = BPF_CORE_READ(cfs_rq, tg);

	if (!e)
		return 0;
	e->tg = tg;
	e->throttled_time = BPF_CORE_READ(tg, cfs_bandwidth.throttled_time);
	return 0;
}

static __always_inline int leave(void)
{
	struct throttle_key key = {};
	__u32 zero = 0;
	struct entry *e = bpf_map_lookup_elem(&unthrottling, &zero);
	struct task_group *tg;
	__u64 held;

	if (!e || !e->tg)
		return 0;
	tg = e->tg; /* a local: CO-RE relocates the kernel's structs, not this map value */
	e->tg = NULL;
	held = BPF_CORE_READ(tg, cfs_bandwidth.throttled_time) - e->throttled_time;
	key.cgroup = BPF_CORE_READ(tg, css.cgroup, kn, id);
	if (!held) /* not a throttled runqueue after all */
		return 0;
	kprom_observe_exp2(cfs_throttled_seconds, &key, key.bucket, held, MAX_BUCKET);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_unthrottle, struct cfs_rq *cfs_rq)
{
	return enter(cfs_rq);
}

SEC("fexit")
int BPF_PROG(fexit_unthrottle)
{
	return leave();
}

SEC("kprobe")
int BPF_KPROBE(kprobe_unthrottle, struct cfs_rq *cfs_rq)
{
	return enter(cfs_rq);
}

SEC("kretprobe")
int kretprobe_unthrottle(void *ctx)
{
	return leave();
}

char LICENSE[] SEC("license") = "GPL";
