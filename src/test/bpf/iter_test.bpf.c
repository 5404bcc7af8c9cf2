// SPDX-License-Identifier: GPL-2.0
/* Test object for BPF iterators: one record per thread of the processes whose
 * command (their main thread's) starts with prefix, keyed by process, counting
 * its threads; and one
 * large record per task of the node, to run past a small max_bytes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

const volatile char prefix[8] = "";

struct process_key {
	__u32 tgid;
	char comm[16];
};

struct process_value {
	__u64 threads;
	__u64 first_thread; /* 1 on the thread whose pid is the process id */
};

struct process_record {
	struct process_key key;
	struct process_value value;
};

struct big_record {
	__u32 key;
	__u8 pad[252];
	__u64 value;
};

struct no_value {
	__u32 key;
	__u64 count;
};

KPROM_RECORD(process_record);
KPROM_RECORD(big_record);
KPROM_RECORD(no_value);

SEC("iter/task")
int dump_processes(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct process_record r = {};

	if (!task)
		return 0;
	BPF_CORE_READ_STR_INTO(&r.key.comm, task, group_leader, comm);
	for (int i = 0; i < 7; i++)
		if (prefix[i] && r.key.comm[i] != prefix[i])
			return 0;
	r.key.tgid = BPF_CORE_READ(task, tgid);
	r.value.threads = 1;
	r.value.first_thread = BPF_CORE_READ(task, pid) == r.key.tgid;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

SEC("iter/task")
int dump_big(struct bpf_iter__task *ctx)
{
	struct big_record r = {};

	if (!ctx->task)
		return 0;
	r.value = 1;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

/* Not an iterator: check-config refuses it as one. */
SEC("tracepoint/syscalls/sys_enter_getppid")
int not_an_iterator(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
