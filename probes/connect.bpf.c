// SPDX-License-Identifier: GPL-2.0
/* connect: one record per IPv4/IPv6 connect() call, with its result and how
 * long the call took, pushed to user space through a perf buffer.
 *
 * A call is seen twice: at entry the destination is read from the caller's
 * sockaddr and parked per thread in `inflight`; at return the record is
 * completed with the return value and the duration and sent. Entry and return
 * each have alternatives (config/probes/connect.yaml lists them in order):
 *   fentry_connect / fexit_connect      fentry/fexit on __sys_connect (kernel
 *                                       BTF): the cheapest, and fexit sees
 *                                       the return value as an argument;
 *   kprobe_connect / kretprobe_connect  kprobe on __sys_connect(fd, uaddr, len)
 *                                       (its arguments are plain registers);
 *   ksyscall_connect                    kprobe on the syscall wrapper
 *                                       (__x64_sys_connect, arguments behind
 *                                       pt_regs), where __sys_connect is absent;
 *   tp_connect_enter / tp_connect_exit  the syscall tracepoints, everywhere.
 * Non-IP families (AF_UNIX above all) are not recorded. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kprom.h"

#define AF_INET 2
#define AF_INET6 10

struct connect_event {
	__u64 duration_ns;	/* from entry to return */
	__u32 pid;		/* the process (tgid) */
	__u32 uid;
	__s32 ret;		/* 0, or -errno (-EINPROGRESS for non-blocking sockets) */
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 dport;		/* network byte order, as in the sockaddr */
	__u8 daddr[16];		/* IPv4 in the first 4 bytes */
	char comm[16];
	__u64 cgroup;		/* the caller's cgroup v2 id: its pod and container, in Kubernetes */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} connect_events SEC(".maps");

/* Calls between entry and return, by thread id: the record so far, its
 * duration field holding the entry time. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct connect_event);
} inflight SEC(".maps");

static __always_inline int enter(const void *uaddr)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct connect_event e = {};
	struct sockaddr_in6 sa = {};

	if (!uaddr || bpf_probe_read_user(&sa, sizeof(sa.sin6_family) + sizeof(sa.sin6_port), uaddr))
		return 0;
	if (sa.sin6_family == AF_INET) {
		struct sockaddr_in *in = (void *)&sa;

		if (bpf_probe_read_user(in, sizeof(*in), uaddr))
			return 0;
		__builtin_memcpy(e.daddr, &in->sin_addr, 4);
	} else if (sa.sin6_family == AF_INET6) {
		if (bpf_probe_read_user(&sa, sizeof(sa), uaddr))
			return 0;
		__builtin_memcpy(e.daddr, &sa.sin6_addr, 16);
	} else {
		return 0;
	}
	e.family = sa.sin6_family;
	e.dport = sa.sin6_port;
	e.pid = id >> 32;
	e.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	e.cgroup = bpf_get_current_cgroup_id();
	e.duration_ns = bpf_ktime_get_ns();
	kprom_update(inflight, &tid, &e, BPF_ANY);
	return 0;
}

static __always_inline int leave(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_event *e = bpf_map_lookup_elem(&inflight, &tid);

	if (!e)
		return 0;
	e->duration_ns = bpf_ktime_get_ns() - e->duration_ns;
	e->ret = ret;
	bpf_perf_event_output(ctx, &connect_events, BPF_F_CURRENT_CPU, e, sizeof(*e));
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("fentry")
int BPF_PROG(fentry_connect, int fd, struct sockaddr *uaddr, int addrlen)
{
	return enter(uaddr);
}

SEC("fexit")
int BPF_PROG(fexit_connect, int fd, struct sockaddr *uaddr, int addrlen, int ret)
{
	return leave(ctx, ret);
}

SEC("kprobe")
int BPF_KPROBE(kprobe_connect, int fd, struct sockaddr *uaddr, int addrlen)
{
	return enter(uaddr);
}

SEC("ksyscall")
int BPF_KSYSCALL(ksyscall_connect, int fd, struct sockaddr *uaddr, int addrlen)
{
	return enter(uaddr);
}

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_connect, long ret)
{
	return leave(ctx, ret);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int tp_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const void *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx, ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
