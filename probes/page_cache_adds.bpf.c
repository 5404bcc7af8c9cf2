// SPDX-License-Identifier: GPL-2.0
/* page_cache_adds: pages added to the page cache (file data read or written
 * that was not cached: the misses of a cache hit ratio), by device and the
 * command that caused them. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kprom.h"

struct add_key {
	__u32 dev; /* as new_encode_dev packs it, for the majorminor decoder */
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct add_key);
	__type(value, __u64);
} page_cache_adds_total SEC(".maps");

SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int tp_add_to_page_cache(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	struct add_key key = {};
	__u32 dev = ctx->s_dev, major = dev >> 20, minor = dev & 0xfffff; /* the kernel's MKDEV */

	key.dev = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	kprom_count(page_cache_adds_total, &key, 1ULL << ctx->order); /* a folio of 2^order pages */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
