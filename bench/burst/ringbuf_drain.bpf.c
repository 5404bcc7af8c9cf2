// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline's ringbuf_drain program (../shared/baselines/ringbuf_drain), amplified: BURST 32-byte records per
 * getppid() instead of one (see perfbuf_drain.bpf.c here). hits counts records, not calls.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "event.h"

#ifndef BURST
#define BURST 4
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 512 * 1024);	/* overridden from user space */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stats);
} stats SEC(".maps");

const volatile __u64 rb_flags = 0;

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
		if (bpf_ringbuf_output(&rb, &e, sizeof(e), rb_flags))
			s->drops++;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
