// SPDX-License-Identifier: GPL-2.0
/* icmp: ICMP errors this host sends, by type and code: port unreachable for
 * UDP to a closed port, host unreachable, fragmentation needed, time exceeded. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct icmp_key {
	__u32 type;
	__u32 code;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH); /* types and codes are few */
	__uint(max_entries, 1024);
	__type(key, struct icmp_key);
	__type(value, __u64);
} icmp_sent_total SEC(".maps");

SEC("tracepoint/icmp/icmp_send")
int tp_icmp_send(struct trace_event_raw_icmp_send *ctx)
{
	struct icmp_key key = {.type = ctx->type, .code = ctx->code};

	kprom_count(icmp_sent_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
