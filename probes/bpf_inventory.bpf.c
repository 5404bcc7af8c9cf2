// SPDX-License-Identifier: GPL-2.0
/* bpf_inventory: the node's BPF programs and maps, and which processes hold
 * each program, map and link open, for kprom's BPF inventory
 * (config/probes/bpf_inventory.yaml). Walking them in the kernel takes one
 * read per iterator where bpftool's way (an fd by id, its info, its fdinfo,
 * per object) takes five or more syscalls per object.
 *
 * dump_owners: a task_file iterator visits every open file of every process
 * once; for a file that is a
 * BPF program, map or link (an anonymous inode named bpf-prog, bpf-map or
 * bpf_link: the kernel's fops symbols are data, absent from kallsyms on most
 * kernels) it writes the object's kind and id with the process's id and
 * command. */
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

/* How many CPUs' run statistics to add up is not known here: the run counts
 * and times come from BPF_OBJ_GET_INFO_BY_FD (and only move while
 * kernel.bpf_stats_enabled is 1). */
struct program_record {
	__u32 id;
	__u32 type; /* enum bpf_prog_type */
	__u8 tag[8];
	char name[16];
	__u32 jited_bytes;
	__u32 translated_bytes;
	__u32 verified_insns; /* 0 before 5.16 */
	__u32 pages;          /* memlock, in pages */
};

KPROM_RECORD(program_record);

SEC("iter/bpf_prog")
int dump_programs(struct bpf_iter__bpf_prog *ctx)
{
	struct bpf_prog *prog = ctx->prog;
	struct program_record r = {};

	if (!prog)
		return 0;
	r.id = BPF_CORE_READ(prog, aux, id);
	r.type = BPF_CORE_READ(prog, type);
	BPF_CORE_READ_INTO(&r.tag, prog, tag);
	BPF_CORE_READ_INTO(&r.name, prog, aux, name);
	r.jited_bytes = BPF_CORE_READ(prog, jited_len);
	r.translated_bytes = BPF_CORE_READ(prog, len) * sizeof(struct bpf_insn);
	if (bpf_core_field_exists(prog->aux->verified_insns))
		r.verified_insns = BPF_CORE_READ(prog, aux, verified_insns);
	r.pages = BPF_CORE_READ(prog, pages);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

/* The entries of maps that keep a count (hash maps, 6.6+); elsewhere kprom
 * counts keys itself. */
extern __s64 bpf_map_sum_elem_count(const struct bpf_map *map) __ksym __weak;

#ifndef bpf_ksym_exists /* libbpf's bpf_helpers.h has it from 1.2 */
#define bpf_ksym_exists(sym) ({ _Static_assert(!__builtin_constant_p(!!sym), #sym " must be __weak"); !!sym; })
#endif

struct map_record {
	__u32 id;
	__u32 type; /* enum bpf_map_type */
	char name[16];
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 flags;
	__s64 entries; /* -1: not counted here */
};

KPROM_RECORD(map_record);

SEC("iter/bpf_map")
int dump_maps(struct bpf_iter__bpf_map *ctx)
{
	struct bpf_map *map = ctx->map;
	struct map_record r = {};

	if (!map)
		return 0;
	r.id = map->id;
	r.type = map->map_type;
	BPF_CORE_READ_INTO(&r.name, map, name);
	r.key_size = map->key_size;
	r.value_size = map->value_size;
	r.max_entries = map->max_entries;
	r.flags = map->map_flags;
	r.entries = bpf_ksym_exists(bpf_map_sum_elem_count) ? bpf_map_sum_elem_count(map) : -1;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
