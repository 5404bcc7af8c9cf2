// SPDX-License-Identifier: GPL-2.0
/* softirq_latency: time from a softirq being raised to its handler starting,
 * and time spent in the handler, by softirq (NET_RX, TIMER, ...): network
 * receive delays and CPUs drowned in softirq work show here. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

#define MAX_BUCKET 30 /* buckets.max in config/probes/softirq_latency.yaml: 2^30 ns */
#define NR_VECS 10

/* Per CPU and vector: when it was raised, when its handler started (0: not pending). */
struct stamps {
	__u64 raised[NR_VECS];
	__u64 entered[NR_VECS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stamps);
} pending SEC(".maps");

struct vec_key {
	__u32 vec;
	__u32 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct vec_key);
	__type(value, __u64);
} softirq_wait_seconds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct vec_key);
	__type(value, __u64);
} softirq_run_seconds SEC(".maps");

static __always_inline struct stamps *stamps(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&pending, &zero);
}

SEC("tracepoint/irq/softirq_raise")
int tp_softirq_raise(struct trace_event_raw_softirq *ctx)
{
	struct stamps *s = stamps();
	__u32 vec = ctx->vec;

	if (s && vec < NR_VECS && !s->raised[vec])
		s->raised[vec] = bpf_ktime_get_ns(); /* the first raise is what waits */
	return 0;
}

SEC("tracepoint/irq/softirq_entry")
int tp_softirq_entry(struct trace_event_raw_softirq *ctx)
{
	struct stamps *s = stamps();
	struct vec_key key = {};
	__u32 vec = ctx->vec;
	__u64 now = bpf_ktime_get_ns();

	if (!s || vec >= NR_VECS)
		return 0;
	s->entered[vec] = now;
	if (!s->raised[vec])
		return 0; /* raised before kprom attached */
	key.vec = vec;
	kprom_observe_exp2(softirq_wait_seconds, &key, key.bucket, now - s->raised[vec], MAX_BUCKET);
	s->raised[vec] = 0;
	return 0;
}

SEC("tracepoint/irq/softirq_exit")
int tp_softirq_exit(struct trace_event_raw_softirq *ctx)
{
	struct stamps *s = stamps();
	struct vec_key key = {};
	__u32 vec = ctx->vec;

	if (!s || vec >= NR_VECS || !s->entered[vec])
		return 0;
	key.vec = vec;
	kprom_observe_exp2(softirq_run_seconds, &key, key.bucket, bpf_ktime_get_ns() - s->entered[vec], MAX_BUCKET);
	s->entered[vec] = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
