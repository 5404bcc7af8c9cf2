// SPDX-License-Identifier: GPL-2.0
/* Test object for cgroup programs: counts IPv4 UDP packets to one port that
 * processes of the cgroup send, and lets every packet through. */
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
} sent_total SEC(".maps");

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;
	__u32 key = 0;

	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return 1;
	if (ip.protocol != IPPROTO_UDP || bpf_skb_load_bytes(skb, ip.ihl * 4, &udp, sizeof(udp)))
		return 1;
	if (udp.dest == bpf_htons(udp_port))
		kprom_count(sent_total, &key, 1);
	return 1; /* allow */
}

char LICENSE[] SEC("license") = "GPL";
