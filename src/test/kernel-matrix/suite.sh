#!/usr/bin/env bash
# The kernel-matrix suite: runs the kprom jar on whatever kernel this is (the host's, or Debian's 6.1 under qemu
# via ../shared/kernel-matrix/run-in-kernel.sh), drives a known number of execve() and connect() calls and
# getppid() loops, and leaves what kprom reported in OUT for KernelMatrixIT to check:
#   OUT/<scenario>/{probes.json,metrics.txt,kprom.log}, OUT/cost.txt, OUT/info.txt
# Scenarios: default (fentry first), no-fentry (disable_attach: [fentry, fexit]), wrapper (a config naming a
# missing function, then sys_connect resolved to the syscall wrapper), library (cachestat and fs_latency on ext4),
# and getppid-<kind> for the attach cost.
# Usage: suite.sh OUT   (from the repository root; target/kprom.jar and target/test-bpf built)
#        ONLY=<scenario> suite.sh OUT   runs that one alone (default, no-fentry, wrapper, library, cost)
set -uo pipefail
OUT=$(realpath -m "$1")
N=${N:-20}
CALLS=${CALLS:-200000}
JAR=$PWD/target/kprom.jar
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "kernel $(uname -r)" > "$OUT/info.txt"
echo "n $N" >> "$OUT/info.txt"
echo "calls $CALLS" >> "$OUT/info.txt"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
only() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

# kprom with config dir $1 on port $2; waits until ready (a slow, emulated kernel may take a minute)
start() {
  java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR" --config "$1/kprom.yaml" --listen "127.0.0.1:$2" > "$1/kprom.log" 2>&1 &
  kprom_pid=$!
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$2/readyz" >/dev/null 2>&1 && return 0
    kill -0 $kprom_pid 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}
stop() {
  kill -TERM $kprom_pid 2>/dev/null
  wait $kprom_pid 2>/dev/null
}

# execve: a copy of sh named kmxsh execs /bin/true N times (counted under the caller's comm, kmxsh);
# connect: a copy of bash named kmxconn opens N TCP connections to kprom's own port over loopback.
drive() {
  cp /bin/sh "$work/kmxsh"
  cp /bin/bash "$work/kmxconn"
  "$work/kmxsh" -c "i=0; while [ \$i -lt $N ]; do /bin/true; i=\$((i+1)); done"
  "$work/kmxconn" -c "i=0; while [ \$i -lt $N ]; do exec 3<>/dev/tcp/127.0.0.1/$1 && exec 3>&-; i=\$((i+1)); done"
}

scenario() { # name port daemon-config-extra [probe-set-name probe-set-yaml]
  local name=$1 port=$2 extra=$3 dir="$work/$1"
  mkdir -p "$dir/probes" "$OUT/$name"
  local sets="[execve, connect]"
  if [ $# -ge 5 ]; then printf '%s\n' "$5" > "$dir/probes/$4.yaml"; sets="[execve, $4]"; fi
  printf 'probe_sets: %s\nlog_level: info\n%s\n' "$sets" "$extra" > "$dir/kprom.yaml"
  if start "$dir" "$port"; then
    curl -sf "http://127.0.0.1:$port/probes" > "$OUT/$name/probes.json"
    drive "$port"
    sleep 3 # records drain every 10 ms; the guest is emulated
    curl -sf "http://127.0.0.1:$port/metrics" > "$OUT/$name/metrics.txt"
    echo "port $port" >> "$OUT/$name/info.txt"
  fi
  stop
  cp "$dir/kprom.log" "$OUT/$name/kprom.log"
}

only default && scenario default 19611 ""
only no-fentry && scenario no-fentry 19612 "disable_attach: [fentry, fexit]"
only wrapper && scenario wrapper 19613 "disable_attach: [fentry, fexit]" connect_wrapper "$(cat <<'YAML'
object: connect.bpf.o
programs:
  - name: enter
    attach:
      - {program: ksyscall_connect, kprobe: no_such_connect_function}
      - {program: ksyscall_connect, kprobe: sys_connect}
      - {program: tp_connect_enter, tracepoint: syscalls/sys_enter_connect}
  - name: exit
    attach:
      - {program: kretprobe_connect, kretprobe: sys_connect}
      - {program: tp_connect_exit, tracepoint: syscalls/sys_exit_connect}
events:
  - map: connect_events
    record: connect_event
    counters:
      - name: connect_total
        help: connect() calls by command, destination address and port.
        labels:
          - {name: comm, decoders: [{name: string}]}
          - {name: daddr, decoders: [{name: inet_ip, family_label: family}]}
          - {name: dport, decoders: [{name: port}]}
          - {name: family, decoders: [{name: uint}, {name: static_map, map: {"2": ipv4, "10": ipv6}, allow_unknown: true}]}
YAML
)"

# A busy loop for 2 s in cgroup /kmxcpu of the cgroup v2 hierarchy, held to 10% of a CPU (cpu.max 10 ms per 100 ms).
throttle() {
  local root cg
  root=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
  [ -n "$root" ] || return 0
  cg="$root/kmxcpu"
  echo +cpu > "$root/cgroup.subtree_control" 2>/dev/null || true
  mkdir -p "$cg" && echo "10000 100000" > "$cg/cpu.max" || return 0
  bash -c "echo \$\$ > $cg/cgroup.procs; end=\$((SECONDS + 2)); while [ \$SECONDS -lt \$end ]; do :; done"
  sleep 0.5
  cat "$cg/cpu.stat" > "$OUT/library/cpu.stat" 2>/dev/null
}

# Five connections to a listener on port 19699, accepted 300 ms after their handshakes.
accepts() {
  python3 - <<'PY'
import socket, time
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 19699))
listener.listen(16)
clients = [socket.create_connection(("127.0.0.1", 19699)) for _ in range(5)]
time.sleep(0.3)
for _ in range(5):
    listener.accept()[0].close()
PY
}

# A receiver that stops reading while 10-byte segments (each a whole skb) flood in: its receive memory, held to
# 128 KiB, runs out, and the kernel prunes the queue and clamps the window (TcpExt PruneCalled, before and after).
clamps() {
  ip link set lo mtu 1500 # a real MSS (a clamp lowers rcv_ssthresh to 2 of them), and receive buffers held small
  sysctl -q -w net.ipv4.tcp_rmem="4096 131072 131072"
  grep -w TcpExt /proc/net/netstat > "$OUT/library/netstat.before"
  python3 - <<'PY'
import socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 19698))
listener.listen(1)
sender = socket.create_connection(("127.0.0.1", 19698))
sender.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
receiver, _ = listener.accept()
bulk = b"x" * 65536
for _ in range(16):  # the window opens up: rcv_ssthresh grows with what is read
    sender.sendall(bulk)
    got = 0
    while got < len(bulk):
        got += len(receiver.recv(65536))
# the receiver stops reading; tiny segments, each a whole skb, flood in (5,000, or until the window closes): their
# memory overruns the receive buffer long before the advertised window closes
sender.settimeout(3)  # blocked 3 s: the receiver's window has closed
sent = 0
try:
    while sent < 5000:
        sender.send(b"y" * 10)
        sent += 1
except socket.timeout:
    pass
print("segments sent", sent)
receiver.setblocking(False)
try:
    while receiver.recv(65536):
        pass
except OSError:
    pass
PY
  grep -w TcpExt /proc/net/netstat > "$OUT/library/netstat.after"
}

# library: probe sets of fentry/kprobe programs alone (fs_latency) or with such an optional slot (cachestat), driven
# by a copy of dd named kmxdd on an ext4 image: 64 KiB written with fsync, the caches dropped, then read twice; and
# cfs_throttling, by a busy loop held to 10% of a CPU; tcp_accept_latency, by five connections accepted late.
library() {
  local dir="$work/library" port=19614 mnt="$work/mnt"
  mkdir -p "$dir" "$OUT/library" "$mnt"
  printf 'probe_sets: [cachestat, fs_latency, cfs_throttling, tcp_accept_latency, tcp_window_clamps]\nlog_level: info\n' > "$dir/kprom.yaml"
  modprobe -q ext4 || true; modprobe -q loop || true # modules on Debian's kernel: loaded before kprom attaches
  if start "$dir" $port; then
    curl -sf "http://127.0.0.1:$port/probes" > "$OUT/library/probes.json"
    sysctl -q -w kernel.bpf_stats_enabled=1 # run time and count per program, for the cost ratios
    cp /bin/dd "$work/kmxdd"
    truncate -s 32M "$work/ext4.img" && mkfs.ext4 -q -F "$work/ext4.img" && mount -t ext4 -o loop "$work/ext4.img" "$mnt"
    "$work/kmxdd" if=/dev/zero of="$mnt/data" bs=64k count=1 conv=fsync status=none
    sync; echo 3 > /proc/sys/vm/drop_caches
    "$work/kmxdd" if="$mnt/data" of=/dev/null bs=64k status=none
    "$work/kmxdd" if="$mnt/data" of=/dev/null bs=64k status=none
    throttle
    accepts
    clamps
    curl -sf "http://127.0.0.1:$port/metrics" > "$OUT/library/metrics.txt"
    bpftool -j prog show > "$OUT/library/progs.json" 2>/dev/null
    sysctl -q -w kernel.bpf_stats_enabled=0
    echo "port $port" >> "$OUT/library/info.txt"
    umount "$mnt"
    rmdir "$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)/kmxcpu" 2>/dev/null || true # after the scrape: named
  fi
  stop
  cp "$dir/kprom.log" "$OUT/library/kprom.log"
}
only library && library

if only cost; then
# Attach cost: getppid() loops under nothing, then a tracepoint, a kprobe and an fentry program counting them.
# getppid's syscall wrapper has no BTF (SYSCALL_DEFINE0), so the kprobe and the fentry both sit on the function
# every getppid() calls once, __task_pid_nr_ns.
loop=$OUT/getppid_loop
clang -O2 -o "$loop" src/test/kernel-matrix/getppid_loop.c
: > "$OUT/cost.txt"
best() { # best of 3 runs: emulation is noisy
  local b=""
  for _ in 1 2 3; do v=$("$loop" "$CALLS"); if [ -z "$b" ] || awk "BEGIN{exit !($v < $b)}"; then b=$v; fi; done
  echo "$b"
}
echo "none $(best)" >> "$OUT/cost.txt"
port=19620
for kind in tracepoint kprobe fentry; do
  port=$((port + 1))
  dir="$work/getppid-$kind"
  mkdir -p "$dir/probes" "$OUT/getppid-$kind"
  case $kind in
    tracepoint) alt="{program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}" ;;
    kprobe) alt="{program: kprobe_getppid, kprobe: __task_pid_nr_ns}" ;;
    fentry) alt="{program: fentry_getppid, fentry: __task_pid_nr_ns}" ;;
  esac
  cat > "$dir/probes/getppid.yaml" <<YAML
object: $PWD/target/test-bpf/fallback_test.bpf.o
programs:
  - name: getppid
    attach: [$alt]
metrics:
  counters:
    - name: getppid_total
      help: getppid() calls by thread id.
      labels: [{name: tid, size: 4, decoders: [{name: uint}]}]
YAML
  printf 'probe_sets: [getppid]\n' > "$dir/kprom.yaml"
  if start "$dir" $port; then
    curl -sf "http://127.0.0.1:$port/probes" > "$OUT/getppid-$kind/probes.json"
    echo "$kind $(best)" >> "$OUT/cost.txt"
  else
    echo "$kind unavailable" >> "$OUT/cost.txt"
  fi
  stop
  cp "$dir/kprom.log" "$OUT/getppid-$kind/kprom.log"
done
fi
echo done >> "$OUT/info.txt"
