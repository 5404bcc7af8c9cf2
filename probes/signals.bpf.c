// SPDX-License-Identifier: GPL-2.0
/* signals: signals generated, by signal and the command of the process that
 * receives it (a kill, a SIGSEGV, a SIGPIPE, a child's SIGCHLD). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct sig_key {
	__u32 sig;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sig_key);
	__type(value, __u64);
} signals_total SEC(".maps");

SEC("tracepoint/signal/signal_generate")
int tp_signal_generate(struct trace_event_raw_signal_generate *ctx)
{
	struct sig_key key = {};

	key.sig = ctx->sig;
	bpf_probe_read_kernel(key.comm, sizeof(key.comm), ctx->comm); /* ctx memory takes no memcpy */
	kprom_count(signals_total, &key, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
