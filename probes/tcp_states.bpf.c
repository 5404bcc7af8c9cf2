// SPDX-License-Identifier: GPL-2.0
/* tcp_states: TCP state changes, by old and new state and address family:
 * connections opened (SYN_SENT -> ESTABLISHED), accepted (SYN_RECV ->
 * ESTABLISHED), reset or timed out (SYN_SENT -> CLOSE), closed. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

#define IPPROTO_TCP 6

struct state_key {
	__u16 family;
	__u16 oldstate;
	__u16 newstate;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH); /* at most 2 families x 12 x 12 states */
	__uint(max_entries, 512);
	__type(key, struct state_key);
	__type(value, __u64);
} tcp_state_changes_total SEC(".maps");

SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct state_key key = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	key.family = ctx->family;
	key.oldstate = ctx->oldstate;
	key.newstate = ctx->newstate;
	kprom_count(tcp_state_changes_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
