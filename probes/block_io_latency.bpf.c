// SPDX-License-Identifier: GPL-2.0
/* block_io_latency: time from a block request's issue to the device until
 * its completion, as an exp2 histogram of nanoseconds (exported in seconds),
 * by disk and operation.
 *
 * tp_btf programs read the struct request directly; raw_tp ones are the
 * fallback. Moderate cost: two map updates per request. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

#define REQ_OP_MASK 0xff

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);   /* struct request * */
	__type(value, __u64); /* ktime at issue */
} issued_at SEC(".maps");

struct io_key {
	char disk[32];
	__u32 op;     /* REQ_OP_*: 0 read, 1 write, 2 flush, 3 discard, ... */
	__u32 bucket; /* exp2 bucket of the latency in ns; MAX_BUCKET + 1: the sum of latencies */
};

/* buckets.max in config/probes/block_io_latency.yaml: 2^36 ns, about 69 s */
#define MAX_BUCKET 36

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct io_key);
	__type(value, __u64);
} block_io_latency_seconds SEC(".maps");

static __always_inline int issue(struct request *rq)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_ns();

	kprom_update(issued_at, &key, &now, BPF_ANY);
	return 0;
}

static __always_inline int complete(struct request *rq)
{
	__u64 key = (__u64)rq, *at, latency;
	struct io_key k = {};

	at = bpf_map_lookup_elem(&issued_at, &key);
	if (!at)
		return 0;
	latency = bpf_ktime_get_ns() - *at;
	bpf_map_delete_elem(&issued_at, &key);
	k.op = BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK;
	BPF_CORE_READ_STR_INTO(&k.disk, rq, q, disk, disk_name);
	kprom_observe_exp2(block_io_latency_seconds, &k, k.bucket, latency, MAX_BUCKET);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(btf_block_rq_issue, struct request *rq) { return issue(rq); }

SEC("tp_btf/block_rq_complete")
int BPF_PROG(btf_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	return complete(rq);
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(raw_block_rq_issue, struct request *rq) { return issue(rq); }

SEC("raw_tp/block_rq_complete")
int BPF_PROG(raw_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	return complete(rq);
}

char LICENSE[] SEC("license") = "GPL";
