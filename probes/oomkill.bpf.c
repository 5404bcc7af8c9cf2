// SPDX-License-Identifier: GPL-2.0
/* oomkill: counts processes the OOM killer picked, by their comm.
 * tracepoint oom/mark_victim fires once per victim; cheap (rare events). Its
 * comm field (a __data_loc string) exists since 5.17: before that, the
 * victim's comm is not in the event and the count goes under "". */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

struct oom_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct oom_key);
	__type(value, __u64);
} oom_kills_total SEC(".maps");

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
