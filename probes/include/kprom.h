/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by kprom's probes. */
#ifndef KPROM_H
#define KPROM_H

#include <bpf/bpf_helpers.h>

/* kprom's count maps are LRU hashes: when one is full, a new key evicts the
 * least recently used one instead of being refused (a plain hash would refuse
 * every new key after one storm of random command names, and nothing would
 * show it). An evicted key's series disappears; if it comes back, its counter
 * starts again, which Prometheus' rate() reads as a reset. Histograms stay in
 * plain hashes: evicting single buckets would break a series' buckets.
 *
 * Adds inc to the u64 counter at key, creating it when absent. BPF_NOEXIST
 * keeps two CPUs racing on a new key from overwriting each other's first
 * increment: the loser's insert fails and it adds to the winner's entry. */
static __always_inline void kprom_count(void *map, const void *key, __u64 inc)
{
	__u64 *val = bpf_map_lookup_elem(map, key);

	if (!val) {
		if (!bpf_map_update_elem(map, key, &inc, BPF_NOEXIST))
			return;
		val = bpf_map_lookup_elem(map, key);
		if (!val)
			return;
	}
	__sync_fetch_and_add(val, inc);
}

/* The exp2 bucket of v: the smallest i with v <= 2^i (0 for v <= 1). Matches
 * `buckets: {type: exp2}` in probe-set YAML: bucket i is exported as le = 2^i. */
static __always_inline __u32 kprom_exp2_bucket(__u64 v)
{
	__u32 r = 0, s;

	if (v <= 1)
		return 0;
	v--;
	s = (v > 0xffffffffULL) << 5; v >>= s; r |= s;
	s = (v > 0xffff) << 4; v >>= s; r |= s;
	s = (v > 0xff) << 3; v >>= s; r |= s;
	s = (v > 0xf) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	r |= (v >> 1);
	return r + 1;
}

#endif
