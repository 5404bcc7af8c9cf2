// SPDX-License-Identifier: GPL-2.0
/* tcp_accept_latency: how long connections wait in a listening socket's accept
 * queue, by local port: from the moment the handshake completes (the child
 * socket goes SYN_RECV -> ESTABLISHED: tracepoint sock/inet_sock_set_state)
 * until the application's accept() returns it (fexit on inet_csk_accept, else
 * a kretprobe). A server that falls behind shows here before its queue fills
 * (tcp_listen_queues shows the queue itself). Connections closed before
 * anyone accepts them age out of a bounded LRU map. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

#define MAX_BUCKET 36 /* buckets.max in config/probes/tcp_accept_latency.yaml: 2^36 ns */
#define TCP_ESTABLISHED 1
#define TCP_SYN_RECV 3
#define IPPROTO_TCP 6

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);   /* the child socket's address */
	__type(value, __u64); /* when its handshake completed, ns */
} established SEC(".maps");

struct accept_key {
	__u32 port; /* the listening port */
	__u32 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct accept_key);
	__type(value, __u64);
} tcp_accept_latency_seconds SEC(".maps");

SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk, now;

	if (ctx->protocol != IPPROTO_TCP || ctx->oldstate != TCP_SYN_RECV || ctx->newstate != TCP_ESTABLISHED)
		return 0;
	sk = (__u64)ctx->skaddr;
	now = bpf_ktime_get_ns();
	kprom_update(established, &sk, &now, BPF_ANY);
	return 0;
}

static __always_inline int accepted(struct sock *sk)
{
	__u64 key = (__u64)sk, *at;
	struct accept_key k = {};

	if (!sk)
		return 0;
	at = bpf_map_lookup_elem(&established, &key);
	if (!at)
		return 0;
	k.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	kprom_observe_exp2(tcp_accept_latency_seconds, &k, k.bucket, bpf_ktime_get_ns() - *at, MAX_BUCKET);
	bpf_map_delete_elem(&established, &key);
	return 0;
}

SEC("fexit")
int fexit_accept(__u64 *ctx)
{
	__u64 ret;

	/* by helper: inet_csk_accept's arguments changed in 6.10 */
	if (bpf_get_func_ret(ctx, &ret))
		return 0;
	return accepted((struct sock *)ret);
}

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_accept, struct sock *sk)
{
	return accepted(sk);
}

char LICENSE[] SEC("license") = "GPL";
