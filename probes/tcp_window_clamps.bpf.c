// SPDX-License-Identifier: GPL-2.0
/* tcp_window_clamps: receive windows the kernel clamped because a socket's
 * receive memory ran out (tcp_try_rmem_schedule pruning the queue and lowering
 * rcv_ssthresh): the peer is told to send less, throughput drops, and nothing
 * else says why. By the receiving socket's cgroup (its pod, in Kubernetes):
 * these run in softirq context, where the current task is anyone's, so the
 * cgroup is the socket's own (sk_cgrp_data, set when it was created).
 * No tracepoint marks it: fentry/fexit on tcp_try_rmem_schedule compare
 * rcv_ssthresh before and after, else a kprobe/kretprobe pair does. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

struct clamp_key {
	__u64 cgroup; /* the receiving socket's cgroup v2 id */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct clamp_key);
	__type(value, __u64);
} tcp_window_clamps_total SEC(".maps");

struct entry {
	struct sock *sk;
	__u32 rcv_ssthresh;
};

/* tcp_try_rmem_schedule runs with the socket locked; it does not nest on a CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct entry);
} scheduling SEC(".maps");

static __always_inline int enter(struct sock *sk)
{
	__u32 zero = 0;
	struct entry *e = bpf_map_lookup_elem(&scheduling, &zero);

	if (!e)
		return 0;
	e->sk = sk;
	e->rcv_ssthresh = BPF_CORE_READ((struct tcp_sock *)sk, rcv_ssthresh);
	return 0;
}

static __always_inline int leave(void)
{
	struct clamp_key key = {};
	__u32 zero = 0;
	struct entry *e = bpf_map_lookup_elem(&scheduling, &zero);
	struct sock *sk;

	if (!e || !e->sk)
		return 0;
	sk = e->sk; /* a local: CO-RE relocates the kernel's structs, not this map value */
	e->sk = NULL;
	if (BPF_CORE_READ((struct tcp_sock *)sk, rcv_ssthresh) >= e->rcv_ssthresh)
		return 0;
	key.cgroup = BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
	kprom_count(tcp_window_clamps_total, &key, 1);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_rmem_schedule, struct sock *sk)
{
	return enter(sk);
}

SEC("fexit")
int BPF_PROG(fexit_rmem_schedule)
{
	return leave();
}

SEC("kprobe")
int BPF_KPROBE(kprobe_rmem_schedule, struct sock *sk)
{
	return enter(sk);
}

SEC("kretprobe")
int kretprobe_rmem_schedule(void *ctx)
{
	return leave();
}

char LICENSE[] SEC("license") = "GPL";
