// SPDX-License-Identifier: GPL-2.0
/* cachestat: page cache operations by kind, command and cgroup, for a hit
 * ratio (1 - misses / accesses) per process or pod:
 *   access  a folio of file data read or written through the cache (the
 *           kernel marks it accessed): fentry or kprobe on
 *           folio_mark_accessed (5.16+), kprobe on mark_page_accessed before;
 *           no tracepoint exists, so where neither attaches (no kprobes,
 *           fentry refused) this slot stays empty and accesses go uncounted;
 *   miss    a folio added to the cache: data that was not there (tracepoint
 *           filemap/mm_filemap_add_to_page_cache);
 *   dirty   a folio dirtied by a write (tracepoint
 *           writeback/writeback_dirty_folio, writeback_dirty_page before 5.17).
 * All three count folios, so the ratio holds with large folios too. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kprom.h"

enum cache_op { CACHE_ACCESS = 0, CACHE_MISS = 1, CACHE_DIRTY = 2 };

struct cache_key {
	__u32 op;
	char comm[16];
	__u64 cgroup; /* the caller's cgroup v2 id: its pod and container, in Kubernetes */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct cache_key);
	__type(value, __u64);
} page_cache_ops_total SEC(".maps");

static __always_inline int count_op(__u32 op)
{
	struct cache_key key = {.op = op};

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.cgroup = bpf_get_current_cgroup_id();
	kprom_count(page_cache_ops_total, &key, 1);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_mark_accessed)
{
	return count_op(CACHE_ACCESS);
}

SEC("kprobe")
int kprobe_mark_accessed(void *ctx)
{
	return count_op(CACHE_ACCESS);
}

SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int tp_add_to_page_cache(void *ctx)
{
	return count_op(CACHE_MISS);
}

SEC("tracepoint/writeback/writeback_dirty_folio")
int tp_dirty_folio(void *ctx)
{
	return count_op(CACHE_DIRTY);
}

SEC("tracepoint/writeback/writeback_dirty_page")
int tp_dirty_page(void *ctx)
{
	return count_op(CACHE_DIRTY);
}

char LICENSE[] SEC("license") = "GPL";
