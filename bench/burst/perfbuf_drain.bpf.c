// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline's perfbuf_drain program (../shared/baselines/perfbuf_drain), amplified: BURST 32-byte records per
 * getppid() instead of one, so that one producer CPU writes more than a million records a second on a VM where
 * getppid() alone costs ~1 us. Same maps, programs and record, so the C consumer builds against it unchanged.
 * hits counts records, not calls.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "event.h"

#ifndef BURST
#define BURST 4
#endif

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stats);
} stats SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int emit(void *ctx)
{
	__u32 zero = 0;
	struct stats *s = bpf_map_lookup_elem(&stats, &zero);
	__u64 id = bpf_get_current_pid_tgid();
	struct event e;

	if (!s)
		return 0;
	e.pid = id >> 32;
	e.tid = (__u32)id;
	e.cpu = bpf_get_smp_processor_id();
	e.cookie = 0;
#pragma unroll
	for (int i = 0; i < BURST; i++) {
		e.ts_ns = bpf_ktime_get_ns();
		e.seq = (__u32)s->hits;
		s->hits++;
		if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e)))
			s->drops++;
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_only(void *ctx)
{
	__u32 zero = 0;
	struct stats *s = bpf_map_lookup_elem(&stats, &zero);

	if (s)
		s->hits += BURST;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
