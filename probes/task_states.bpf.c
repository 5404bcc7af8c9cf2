// SPDX-License-Identifier: GPL-2.0
/* task_states: every task on the node by scheduler state, and the commands of
 * tasks in uninterruptible sleep (D), read by walking all tasks with a BPF
 * task iterator at scrape time. No per-event cost: nothing runs between
 * scrapes. The state is the one ps and /proc/<pid>/stat show, computed as the
 * kernel's __task_state_index() does. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

#define TASK_REPORT 0x7f
#define TASK_IDLE 0x402 /* TASK_UNINTERRUPTIBLE | TASK_NOLOAD */
#define TASK_RTLOCK_WAIT 0x1000
#define TASK_REPORT_IDLE 0x80
#define STATE_D 2

/* Kernels before 5.14 call the field state. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

struct task_state_record {
	__u32 key;   /* 0 R, 1 S, 2 D, 3 T, 4 t, 5 X, 6 Z, 7 P, 8 I */
	__u64 value; /* 1 per task; kprom adds records of one key up */
};

struct blocked_key {
	char comm[16];
};

struct blocked_record {
	struct blocked_key key;
	__u64 value;
};

KPROM_RECORD(task_state_record);
KPROM_RECORD(blocked_record);

static __always_inline __u32 state_index(struct task_struct *task)
{
	__u32 raw, state, index = 0;

	if (bpf_core_field_exists(task->__state))
		raw = BPF_CORE_READ(task, __state);
	else
		raw = BPF_CORE_READ((struct task_struct___pre514 *)task, state);
	state = (raw | BPF_CORE_READ(task, exit_state)) & TASK_REPORT;
	if (raw == TASK_IDLE)
		state = TASK_REPORT_IDLE;
	if (raw == TASK_RTLOCK_WAIT)
		state = 2; /* TASK_UNINTERRUPTIBLE, as the kernel reports it */
#pragma unroll
	for (int bit = 0; bit < 8; bit++)
		if (state & (1u << bit))
			index = bit + 1;
	return index;
}

SEC("iter/task")
int dump_task_states(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct task_state_record r = {};

	if (!task)
		return 0;
	r.key = state_index(task);
	r.value = 1;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

SEC("iter/task")
int dump_blocked_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct blocked_record r = {};

	if (!task || state_index(task) != STATE_D)
		return 0;
	BPF_CORE_READ_STR_INTO(&r.key.comm, task, comm);
	r.value = 1;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
