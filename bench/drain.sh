#!/usr/bin/env bash
# Event drain benchmark against the C baselines of ../shared/baselines, in the same run, on the same machine:
# the baselines' own BPF programs (perfbuf_drain.bpf.o, ringbuf_drain.bpf.o: a 32-byte record per getppid())
# and load generator (loadgen pinned to CPU 0), consumers pinned to CPU 1 (scenario B of the baselines), timed
# draining every IV microseconds (C: perfbuf_p64_timed and ringbuf_512k_timed). Each kprom run follows a C run
# (DrainBench starts the C consumer itself), so that each pair sees the same machine: costs here drift by tens of
# percent within minutes. Prints records/s, loss and consumer CPU ns per record for each, the kprom/C ratio of
# the medians, and the median of the per-pair ratios.
# Needs root, target/kprom.jar (make build), and the baseline sources.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000000}
REPS=${REPS:-5}
IV=${IV:-1000}
JAVA_FLAGS=${JAVA_FLAGS:-"-XX:+UseSerialGC -Xmx256m"}
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
. bench/baselines.sh loadgen perfbuf_drain ringbuf_drain

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, kernel $(uname -r), loadavg $(cut -d' ' -f1-3 /proc/loadavg); N=$N calls, interval ${IV}us, $REPS runs each"
for mode in perf ring; do
  taskset -c 1 java $JAVA_FLAGS -cp target/kprom.jar bench/java/DrainBench.java "$mode" "$B" "$N" "$IV" "$REPS" | grep '^RESULT'
done > "$OUT/drain.txt"

awk '
  function field(line, k) { return match(line, k "=[^ ]+") ? substr(line, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "" }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    tool = field($0, "tool"); lost = field($0, "lost"); if (lost == "") lost = field($0, "lost_cb")
    drops = field($0, "drops"); if (drops + 0 > lost + 0) lost = drops
    rate[tool] = rate[tool] " " field($0, "recv_rate_mps"); loss[tool] = loss[tool] " " lost
    ns[tool] = ns[tool] " " field($0, "consumer_ns_per_event"); recv[tool] = recv[tool] " " field($0, "recv")
    th = field($0, "drain_thread_ns_per_event"); if (th != "") thr[tool] = thr[tool] " " th
    runs[tool]++
    if (tool ~ /^kprom_/) pair[tool] = pair[tool] " " field($0, "consumer_ns_per_event") / lastc[substr(tool, 7)]
    else lastc[tool] = field($0, "consumer_ns_per_event")
  }
  END {
    printf "%-16s %5s %10s %10s %10s %14s %16s %10s %12s\n", "consumer", "runs", "recv", "recv M/s", "lost", "cpu ns/rec", "drain thr ns/rec", "vs C", "pairs vs C"
    split("perfbuf kprom_perfbuf ringbuf kprom_ringbuf", order, " ")
    for (i = 1; i <= 4; i++) {
      t = order[i]; if (!(t in runs)) continue
      c = median(ns[t]); base = t ~ /^kprom_/ ? median(ns[substr(t, 7)]) : c
      printf "%-16s %5d %10d %10.3f %10d %14.1f %16s %9.2fx %11s\n", t, runs[t], median(recv[t]), median(rate[t]), median(loss[t]), c,
        (t in thr) ? sprintf("%.1f", median(thr[t])) : "-", c / base, (t in pair) ? sprintf("%.2fx", median(pair[t])) : "-"
    }
    print "# lost: records the kernel could not write (perf: PERF_RECORD_LOST; ringbuf: the program'"'"'s failed outputs), median"
    print "# cpu ns/rec: consumer process CPU / records (kprom: the whole JVM pinned to CPU 1, JIT and GC included)"
    print "# drain thr ns/rec: CPU of kprom'"'"'s drain threads alone / records"
    print "# pairs vs C: median over runs of kprom / the C run just before it"
  }
' "$OUT/drain.txt"
