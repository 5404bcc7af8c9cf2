// SPDX-License-Identifier: GPL-2.0
/* Test object for TC: counts IPv4 UDP packets to one port passing the hook it
 * is attached to, and lets every packet through. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "kprom.h"

#define ETH_P_IP 0x0800
#define TC_ACT_OK 0

const volatile __u16 udp_port = 0; /* host order */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} tc_packets_total SEC(".maps");

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 key = 0;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP)
		return TC_ACT_OK;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(udp_port))
		return TC_ACT_OK;
	kprom_count(tc_packets_total, &key, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
