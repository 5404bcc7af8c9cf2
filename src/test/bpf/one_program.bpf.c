// SPDX-License-Identifier: GPL-2.0
/* The smallest object with one program and no maps: bench/inventory.sh loads it
 * a thousand times to give the BPF inventory a node's worth of programs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getppid")
int one_program(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
