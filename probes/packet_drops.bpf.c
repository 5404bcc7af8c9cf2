// SPDX-License-Identifier: GPL-2.0
/* packet_drops: packets the kernel dropped, by drop reason (NO_SOCKET,
 * TCP_CSUM, NETFILTER_DROP, ...) and protocol: why traffic vanishes. The
 * reason's numbering changes between kernels; kprom names it from the running
 * kernel's BTF (the kernel_enum decoder). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct drop_key {
	__u32 reason;
	__u16 protocol; /* the ethertype, host order (the tracepoint converts it) */
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH); /* reasons and protocols are few */
	__uint(max_entries, 4096);
	__type(key, struct drop_key);
	__type(value, __u64);
} packet_drops_total SEC(".maps");

SEC("tracepoint/skb/kfree_skb")
int tp_kfree_skb(struct trace_event_raw_kfree_skb *ctx)
{
	struct drop_key key = {};

	key.reason = ctx->reason;
	key.protocol = ctx->protocol;
	kprom_count(packet_drops_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
