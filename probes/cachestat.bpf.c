// SPDX-License-Identifier: GPL-2.0
/* cachestat: page cache operations by kind, command and cgroup, for a read
 * hit ratio (1 - misses / accesses) per process or pod:
 *   access  folios of file data read() through the cache: fexit on
 *           filemap_get_pages (5.16+) adds the folios each call gathered, hit
 *           or just read in; else a kprobe on folio_mark_accessed (or
 *           mark_page_accessed before 5.16) counts the folios the kernel marks
 *           accessed, fewer (a read marks the first folio of each batch). No
 *           tracepoint exists, so where neither attaches (no kprobes, fentry
 *           refused) this slot stays empty and accesses go uncounted;
 *   miss    a folio added to the cache: data that was not there (tracepoint
 *           filemap/mm_filemap_add_to_page_cache);
 *   dirty   a folio dirtied by a write (tracepoint
 *           writeback/writeback_dirty_folio, writeback_dirty_page before 5.17).
 * All three count folios, so the ratio holds with large folios too. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
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

SEC("fexit")
int fexit_get_pages(__u64 *ctx)
{
	struct cache_key key = {.op = CACHE_ACCESS};
	struct folio_batch *fbatch;
	__u64 ret, arg;
	__u32 nr;

	/* by helper, not by position: the arguments changed (4 in 6.x, 3 in 6.1),
	 * the batch stayed the third */
	if (bpf_get_func_ret(ctx, &ret) || (int)ret || bpf_get_func_arg(ctx, 2, &arg))
		return 0;
	fbatch = (struct folio_batch *)arg;
	nr = BPF_CORE_READ(fbatch, nr);
	if (!nr)
		return 0;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.cgroup = bpf_get_current_cgroup_id();
	kprom_count(page_cache_ops_total, &key, nr);
	return 0;
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
