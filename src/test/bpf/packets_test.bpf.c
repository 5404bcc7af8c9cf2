// SPDX-License-Identifier: GPL-2.0
/* Test object for the packet hooks: an XDP, a TC and a cgroup_skb program
 * each count the IPv4 UDP packets to one port they see, under their hook's
 * number, and let every packet through. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "kprom.h"

#define ETH_P_IP 0x0800
#define HOOK_XDP 0
#define HOOK_TC 1
#define HOOK_CGROUP 2

const volatile __u16 udp_port = 0; /* host order */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32); /* the hook */
	__type(value, __u64);
} packets_total SEC(".maps");

static __always_inline void count(__u32 hook)
{
	kprom_count(packets_total, &hook, 1);
}

/* An Ethernet frame in [data, end): IPv4 UDP to udp_port? */
static __always_inline bool frame_to_port(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP)
		return false;
	udp = (void *)ip + ip->ihl * 4;
	return (void *)(udp + 1) <= end && udp->dest == bpf_htons(udp_port);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	if (frame_to_port((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		count(HOOK_XDP);
	return XDP_PASS;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	if (frame_to_port((void *)(long)skb->data, (void *)(long)skb->data_end))
		count(HOOK_TC);
	return 0; /* TC_ACT_OK */
}

/* cgroup_skb sees the packet from its IP header on, and reads it with a helper. */
SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;

	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return 1;
	if (ip.protocol != IPPROTO_UDP || bpf_skb_load_bytes(skb, ip.ihl * 4, &udp, sizeof(udp)))
		return 1;
	if (udp.dest == bpf_htons(udp_port))
		count(HOOK_CGROUP);
	return 1; /* allow */
}

char LICENSE[] SEC("license") = "GPL";
