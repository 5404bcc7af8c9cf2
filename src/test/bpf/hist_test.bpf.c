// SPDX-License-Identifier: GPL-2.0
/* Test object for histogram sums: the n-th getppid() call of one process
 * observes the value n in three exp2 histograms (buckets 0..4), one keeping its
 * sum in the slot past max (kprom_observe_exp2), one in a {count, sum} value,
 * one in a map of its own keyed by the labels without the bucket. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

#define MAX_BUCKET 4

const volatile __u32 target_tgid = 0;
__u64 calls = 0;

struct slot_key {
	__u32 kind;
	__u32 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct slot_key);
	__type(value, __u64);
} past_max_seconds SEC(".maps");

struct count_sum {
	__u64 count;
	__u64 sum;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct count_sum);
} struct_sum_seconds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct slot_key);
	__type(value, __u64);
} map_sum_seconds SEC(".maps");

struct kind_key {
	__u32 kind;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, struct kind_key);
	__type(value, __u64);
} map_sum_seconds_sum SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	struct slot_key k = {.kind = 7};
	struct count_sum zero = {}, *cs;
	__u32 b;
	__u64 n;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	n = ++calls; /* the test calls from one thread at a time */
	kprom_observe_exp2(past_max_seconds, &k, k.bucket, n, MAX_BUCKET);

	k.bucket = kprom_exp2_bucket(n);
	if (k.bucket > MAX_BUCKET)
		k.bucket = MAX_BUCKET + 1;
	kprom_count(map_sum_seconds, &k, 1);
	struct kind_key kk = {.kind = k.kind};
	kprom_count(map_sum_seconds_sum, &kk, n);

	b = kprom_exp2_bucket(n);
	if (b > MAX_BUCKET)
		b = MAX_BUCKET + 1;
	cs = bpf_map_lookup_elem(&struct_sum_seconds, &b);
	if (!cs) {
		kprom_update(struct_sum_seconds, &b, &zero, BPF_NOEXIST);
		cs = bpf_map_lookup_elem(&struct_sum_seconds, &b);
		if (!cs)
			return 0;
	}
	__sync_fetch_and_add(&cs->count, 1);
	__sync_fetch_and_add(&cs->sum, n);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
