// SPDX-License-Identifier: GPL-2.0
/* tcp_listen_queues: the queues of every listening TCP socket, by port and
 * family, read by walking the TCP sockets of kprom's network namespace with a
 * BPF tcp iterator at scrape time, by bound address, port and family. No per-event cost: nothing runs between
 * scrapes. The accept queue holds connections whose handshake completed and
 * that the application has not accept()ed yet (sk_ack_backlog, bounded by the
 * listen() backlog, sk_max_ack_backlog: past it new handshakes are dropped);
 * the SYN queue holds handshakes under way (request sockets, icsk_accept_queue
 * .qlen). Sockets sharing a port (SO_REUSEPORT) add up. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

#define TCP_LISTEN 10
#define AF_INET 2

struct listen_key {
	__u8 addr[16]; /* the bound address: IPv4 in the first 4 bytes */
	__u16 port;    /* local port, host order */
	__u16 family;  /* the socket's: AF_INET, or AF_INET6 (dual-stack too) */
};

struct listen_value {
	__u64 accept_queue;     /* connections waiting for accept() */
	__u64 accept_queue_max; /* the listen() backlog */
	__u64 syn_queue;        /* handshakes under way */
	__u64 sockets;          /* listening sockets */
};

struct listen_record {
	struct listen_key key;
	struct listen_value value;
};

KPROM_RECORD(listen_record);

SEC("iter/tcp")
int dump_listen_queues(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct listen_record r = {};
	struct tcp_sock *tp;

	if (!skc || BPF_CORE_READ(skc, skc_state) != TCP_LISTEN)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	r.key.port = BPF_CORE_READ(skc, skc_num);
	r.key.family = BPF_CORE_READ(skc, skc_family);
	if (r.key.family == AF_INET)
		BPF_CORE_READ_INTO((__u32 *)r.key.addr, skc, skc_rcv_saddr);
	else
		BPF_CORE_READ_INTO(&r.key.addr, skc, skc_v6_rcv_saddr);
	r.value.accept_queue = BPF_CORE_READ(tp, inet_conn.icsk_inet.sk.sk_ack_backlog);
	r.value.accept_queue_max = BPF_CORE_READ(tp, inet_conn.icsk_inet.sk.sk_max_ack_backlog);
	r.value.syn_queue = BPF_CORE_READ(tp, inet_conn.icsk_accept_queue.qlen.counter);
	r.value.sockets = 1;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
