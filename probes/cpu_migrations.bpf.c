// SPDX-License-Identifier: GPL-2.0
/* cpu_migrations: tasks moved from one CPU to another (load balancing,
 * affinity changes, wakeups on another CPU), by the task's command: what keeps
 * losing its caches. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

struct migrate_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct migrate_key);
	__type(value, __u64);
} cpu_migrations_total SEC(".maps");

/* Kernels before 6.x carried the command inline. */
struct trace_event_raw_sched_migrate_task___inline {
	char comm[16];
} __attribute__((preserve_access_index));

SEC("tracepoint/sched/sched_migrate_task")
int tp_migrate_task(struct trace_event_raw_sched_migrate_task *ctx)
{
	struct migrate_key key = {};

	if (bpf_core_field_exists(ctx->__data_loc_comm)) {
		__u32 loc = BPF_CORE_READ(ctx, __data_loc_comm);

		bpf_probe_read_kernel_str(key.comm, sizeof(key.comm), (void *)ctx + (loc & 0xffff));
	} else {
		struct trace_event_raw_sched_migrate_task___inline *old = (void *)ctx;

		bpf_probe_read_kernel_str(key.comm, sizeof(key.comm), old->comm);
	}
	kprom_count(cpu_migrations_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
