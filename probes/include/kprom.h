/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by kprom's probes. */
#ifndef KPROM_H
#define KPROM_H

#include <bpf/bpf_helpers.h>

/* Adds inc to the u64 counter at key, creating it when absent. BPF_NOEXIST
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

#endif
