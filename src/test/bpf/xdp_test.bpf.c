// SPDX-License-Identifier: GPL-2.0
/* Test object for XDP: counts IPv4 UDP packets to one port received on the
 * interface it is attached to, and passes every packet on. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "kprom.h"

#define ETH_P_IP 0x0800

const volatile __u16 udp_port = 0; /* host order */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} udp_packets_total SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 key = 0;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(udp_port))
		return XDP_PASS;
	kprom_count(udp_packets_total, &key, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
