// SPDX-License-Identifier: GPL-2.0
/* tcp_retransmits: TCP segment retransmissions (SYNs included) by remote
 * address, port and family, from tracepoint tcp/tcp_retransmit_skb. Cheap:
 * retransmissions are rare events on a healthy host.
 *
 * The tracepoint's context struct was renamed (trace_event_raw_tcp_event_sk_skb
 * became trace_event_raw_tcp_retransmit_skb); the two programs read the same
 * fields through CO-RE "flavours" of each name, and kprom attaches the first
 * one this kernel's BTF can relocate. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

#define AF_INET 2

struct trace_event_raw_tcp_retransmit_skb___kprom {
	__u16 dport;
	__u16 family;
	__u8 daddr[4];
	__u8 daddr_v6[16];
} __attribute__((preserve_access_index));

struct trace_event_raw_tcp_event_sk_skb___kprom {
	__u16 dport;
	__u16 family;
	__u8 daddr[4];
	__u8 daddr_v6[16];
} __attribute__((preserve_access_index));

struct retrans_key {
	__u8 daddr[16]; /* IPv4 in the first 4 bytes */
	__u16 family;
	__u16 dport;    /* host byte order, as the tracepoint gives it */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct retrans_key);
	__type(value, __u64);
} tcp_retransmits_total SEC(".maps");

#define COUNT_RETRANSMIT(ctx)                                                        \
	({                                                                           \
		struct retrans_key key = {};                                         \
		key.family = BPF_CORE_READ(ctx, family);                             \
		key.dport = BPF_CORE_READ(ctx, dport);                               \
		if (key.family == AF_INET)                                           \
			bpf_core_read(key.daddr, 4, &ctx->daddr);                    \
		else                                                                 \
			bpf_core_read(key.daddr, 16, &ctx->daddr_v6);                \
		kprom_count(tcp_retransmits_total, &key, 1);                        \
		0;                                                                   \
	})

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tp_retransmit(struct trace_event_raw_tcp_retransmit_skb___kprom *ctx)
{
	return COUNT_RETRANSMIT(ctx);
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tp_retransmit_old(struct trace_event_raw_tcp_event_sk_skb___kprom *ctx)
{
	return COUNT_RETRANSMIT(ctx);
}

char LICENSE[] SEC("license") = "GPL";
