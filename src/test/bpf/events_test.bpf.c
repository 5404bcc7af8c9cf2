// SPDX-License-Identifier: GPL-2.0
/* events_test: one record per getppid() of the test process, to a perf event
 * array (emit_perf) or a ring buffer (emit_ring). Records are 60 bytes, so a
 * perf record takes 72 and records regularly straddle the end of the ring.
 * Every record carries its CPU's sequence number and a pattern derived from
 * it, so the reader can check that nothing was torn, reordered or skipped. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct test_event {
	__u64 seq;		/* per-CPU: 0, 1, 2, ... */
	__u32 tid;
	__u32 cpu;
	__u8 pattern[44];	/* pattern[i] = (seq + i) & 0xff */
};

const volatile __u32 target_tgid = 0;
const volatile __u64 ring_flags = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024);
} ring_events SEC(".maps");

/* [0] records made, [1] outputs that failed (ring full), per CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline struct test_event *fill(struct test_event *e)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 zero = 0;
	__u64 *made;

	if ((__u32)(id >> 32) != target_tgid)
		return 0;
	made = bpf_map_lookup_elem(&stats, &zero);
	if (!made)
		return 0;
	e->seq = *made;
	*made += 1;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	for (int i = 0; i < 44; i++)
		e->pattern[i] = (e->seq + i) & 0xff;
	return e;
}

static __always_inline void failed(void)
{
	__u32 one = 1;
	__u64 *n = bpf_map_lookup_elem(&stats, &one);

	if (n)
		*n += 1;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int emit_perf(void *ctx)
{
	struct test_event e = {};

	if (fill(&e) && bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e)))
		failed();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int emit_ring(void *ctx)
{
	struct test_event e = {};

	if (fill(&e) && bpf_ringbuf_output(&ring_events, &e, sizeof(e), ring_flags))
		failed();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
