// SPDX-License-Identifier: GPL-2.0
/* udp_drops: UDP datagrams dropped because the receiving socket's queue was
 * full (the application reads too slowly), by local port and family. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct drop_key {
	__u16 port;
	__u16 family;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct drop_key);
	__type(value, __u64);
} udp_drops_total SEC(".maps");

SEC("tracepoint/udp/udp_fail_queue_rcv_skb")
int tp_udp_fail_queue(struct trace_event_raw_udp_fail_queue_rcv_skb *ctx)
{
	struct drop_key key = {.port = ctx->dport, .family = ctx->family};

	kprom_count(udp_drops_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
