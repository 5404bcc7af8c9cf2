// SPDX-License-Identifier: GPL-2.0
/* bpf_owners: which processes hold each BPF program, map and link open, for
 * kprom's BPF inventory (config/probes/bpf_inventory.yaml). A task_file
 * iterator visits every open file of every process once; for a file that is a
 * BPF program, map or link (an anonymous inode named bpf-prog, bpf-map or
 * bpf_link: the kernel's fops symbols are data, absent from kallsyms on most
 * kernels) it writes the object's kind and id with the process's id and
 * command. No probe set of its own: the inventory runs it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

enum owned_kind { OWNED_PROGRAM = 0, OWNED_MAP = 1, OWNED_LINK = 2 };

struct owner_record {
	__u32 kind; /* enum owned_kind */
	__u32 id;
	__u32 pid;  /* the process (thread group) id */
	char comm[16];
};

KPROM_RECORD(owner_record);

SEC("iter/task_file")
int dump_owners(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct owner_record r = {};
	char name[9] = {};

	if (!task || !file)
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
	if (name[0] != 'b' || name[1] != 'p' || name[2] != 'f')
		return 0;
	if (name[3] == '-' && name[4] == 'p' && name[5] == 'r' && name[6] == 'o' && name[7] == 'g' && !name[8]) {
		struct bpf_prog *prog = BPF_CORE_READ(file, private_data);

		r.kind = OWNED_PROGRAM;
		r.id = BPF_CORE_READ(prog, aux, id);
	} else if (name[3] == '-' && name[4] == 'm' && name[5] == 'a' && name[6] == 'p' && !name[7]) {
		struct bpf_map *map = BPF_CORE_READ(file, private_data);

		r.kind = OWNED_MAP;
		r.id = BPF_CORE_READ(map, id);
	} else if (name[3] == '_' && name[4] == 'l' && name[5] == 'i' && name[6] == 'n' && name[7] == 'k' && !name[8]) {
		struct bpf_link *link = BPF_CORE_READ(file, private_data);

		r.kind = OWNED_LINK;
		r.id = BPF_CORE_READ(link, id);
	} else {
		return 0;
	}
	r.pid = BPF_CORE_READ(task, tgid);
	BPF_CORE_READ_STR_INTO(&r.comm, task, group_leader, comm);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
