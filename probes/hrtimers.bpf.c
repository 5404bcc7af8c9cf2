// SPDX-License-Identifier: GPL-2.0
/* hrtimers: high-resolution timers that expired, by the function they run
 * (hrtimer_wakeup for sleeps, tick_nohz_handler for the tick, it_real_fn for
 * setitimer...): who wakes the CPUs up. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2048);
	__type(key, __u64); /* the timer's function */
	__type(value, __u64);
} hrtimer_expiries_total SEC(".maps");

SEC("tracepoint/timer/hrtimer_expire_entry")
int tp_hrtimer_expire(struct trace_event_raw_hrtimer_expire_entry *ctx)
{
	__u64 function = (__u64)ctx->function;

	kprom_count(hrtimer_expiries_total, &function, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
