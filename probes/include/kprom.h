/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by kprom's probes. */
#ifndef KPROM_H
#define KPROM_H

#include <bpf/bpf_helpers.h>

/* Failed map updates, by the name of the map that refused them. Every probe
 * that includes this header has this map; kprom reads it at each scrape and
 * exports kprom_map_update_errors_total{probe,map}, with a zero series for each
 * of the object's maps, so that a map that fills up (a plain hash refuses new
 * keys once full) shows instead of silently counting nothing new. */
#define KPROM_MAP_NAME_LEN 32

struct kprom_map_name {
	char name[KPROM_MAP_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct kprom_map_name);
	__type(value, __u64);
} kprom_update_errors SEC(".maps");

/* Adds one to kprom_update_errors at name (a string literal, the refusing
 * map's name as defined). The copy's length is a constant, so the verifier
 * sees plain stack stores. If this map itself is full, the error is lost. */
#define kprom_update_failed(name_literal)                                           \
	({                                                                          \
		struct kprom_map_name __kn = {};                                    \
		__u64 __one = 1, *__n;                                              \
		__builtin_memcpy(__kn.name, name_literal,                           \
				 sizeof(name_literal) < KPROM_MAP_NAME_LEN ?        \
					 sizeof(name_literal) : KPROM_MAP_NAME_LEN); \
		__n = bpf_map_lookup_elem(&kprom_update_errors, &__kn);             \
		if (__n)                                                            \
			__sync_fetch_and_add(__n, 1);                               \
		else if (bpf_map_update_elem(&kprom_update_errors, &__kn, &__one,   \
					     BPF_NOEXIST)) {                        \
			__n = bpf_map_lookup_elem(&kprom_update_errors, &__kn);     \
			if (__n)                                                    \
				__sync_fetch_and_add(__n, 1);                       \
		}                                                                   \
	})

/* bpf_map_update_elem on map (the map itself, not its address) that counts a
 * refusal in kprom_update_errors; returns what bpf_map_update_elem returned. */
#define kprom_update(map, key, value, flags)                                        \
	({                                                                          \
		long __err = bpf_map_update_elem(&(map), key, value, flags);        \
		if (__err)                                                          \
			kprom_update_failed(#map);                                  \
		__err;                                                              \
	})

/* Adds inc to the u64 counter at key in map_ptr, creating it when absent;
 * returns 0, or the error that kept the increment out. BPF_NOEXIST keeps two
 * CPUs racing on a new key from overwriting each other's first increment: the
 * loser's insert fails with EEXIST and it adds to the winner's entry. */
static __always_inline long kprom_count_ptr(void *map_ptr, const void *key, __u64 inc)
{
	__u64 *val = bpf_map_lookup_elem(map_ptr, key);
	long err;

	if (!val) {
		err = bpf_map_update_elem(map_ptr, key, &inc, BPF_NOEXIST);
		if (!err)
			return 0;
		val = bpf_map_lookup_elem(map_ptr, key);
		if (!val) /* full (E2BIG), out of memory, or evicted meanwhile */
			return err;
	}
	__sync_fetch_and_add(val, inc);
	return 0;
}

/* kprom's count maps are LRU hashes: when one is full, a new key evicts the
 * least recently used one instead of being refused (a plain hash would refuse
 * every new key after one storm of random command names). An evicted key's
 * series disappears; if it comes back, its counter starts again, which
 * Prometheus' rate() reads as a reset. Histograms stay in plain hashes:
 * evicting single buckets would break a series' buckets; when one fills up,
 * kprom_map_update_errors_total shows it.
 *
 * Adds inc to the u64 counter at key in map (the map itself, not its
 * address), counting an increment that could not be stored. */
#define kprom_count(map, key, inc)                                                  \
	({                                                                          \
		if (kprom_count_ptr(&(map), key, inc))                              \
			kprom_update_failed(#map);                                  \
	})

/* kprom_count into a map reached through another (an inner map of a map of
 * maps): failures are counted under name, the outer map's name. */
#define kprom_count_in(map_ptr, key, inc, name_literal)                             \
	({                                                                          \
		if (kprom_count_ptr(map_ptr, key, inc))                             \
			kprom_update_failed(name_literal);                          \
	})

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

/* Observes value (raw units, ns say) in the exp2 histogram map at key, whose
 * bucket index is the key member bucket (an lvalue such as k.bucket): counts 1
 * in the value's bucket and adds the value in bucket max + 1, the sum slot
 * (`sum: {slot: past_max}` in the probe set's YAML, ebpf_exporter's convention).
 * A value past bucket max counts at max + 2, exported in +Inf only, never in
 * the sum slot. max is the YAML's buckets.max. */
#define kprom_observe_exp2(map, key, bucket, value, max)                            \
	({                                                                          \
		__u64 __obs = (value);                                              \
		__u32 __idx = kprom_exp2_bucket(__obs);                             \
		(bucket) = __idx > (max) ? (max) + 2 : __idx;                       \
		kprom_count(map, key, 1);                                           \
		(bucket) = (max) + 1;                                               \
		kprom_count(map, key, __obs);                                       \
	})

/* Declares that struct name is a record written with bpf_seq_write, read by a
 * kprom iterator (`iterators: [{record: name}]`). clang puts into the object's
 * BTF only the types that a global, a map or a function signature uses, never
 * those of locals alone; this global pointer (8 bytes of .bss) is that use. */
#define KPROM_RECORD(name) struct name *kprom_record_##name __attribute__((unused))

#endif
