// SPDX-License-Identifier: GPL-2.0
/* Test object for perf_event programs: counts samples by the CPU they ran on. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} samples_total SEC(".maps");

SEC("perf_event")
int on_cpu(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	kprom_count(samples_total, &cpu, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
