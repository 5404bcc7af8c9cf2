#!/usr/bin/env bash
# Event drain benchmark against the C baselines of ../shared/baselines, in the same run, on the same machine:
# the baselines' own BPF programs (perfbuf_drain.bpf.o, ringbuf_drain.bpf.o: a 32-byte record per getppid())
# and load generator (loadgen pinned to CPU 0), consumers pinned to CPU 1 (scenario B of the baselines), timed
# draining every IV microseconds (C: perfbuf_p64_timed and ringbuf_512k_timed). Each kprom run follows a C run
# (DrainBench starts the C consumer itself), so that each pair sees the same machine: costs here drift by tens of
# percent within minutes. Prints records/s, loss and consumer CPU ns per record for each, the kprom/C ratio of
# the medians, and the median of the per-pair ratios.
# Two loads: the baselines' programs as they are ("x1"), and the same programs amplified to BURST records per
# call (bench/burst, "xBURST"): getppid() alone costs ~1 us on some VMs, too slow for one producer CPU to reach
# 1 M records/s with one record per call. Both C and kprom drain the amplified programs.
# Three sets: both loads with kprom draining on C's interval and ring sizes (like for like), then the amplified
# load with kprom at its default drain_interval_ms (10 ms), where it drains a ring sooner only when it fills fast
# (DrainPace), and with perf_pages: 128 (KPROM_PAGES), the ring size README advises for ~1 M records/s per CPU.
# Needs root, target/kprom.jar (make build), and the baseline sources.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000000}
REPS=${REPS:-5}
IV=${IV:-1000}
KPROM_DEFAULT_IV=10000 # EventReader.Options.DEFAULT, drain_interval_ms: 10
KPROM_PAGES=${KPROM_PAGES:-128} # kprom's perf ring pages in the last set (C's are 64): more pages, fewer wakeups
BURST=${BURST:-2}
JAVA_FLAGS=${JAVA_FLAGS:-"-XX:+UseSerialGC -Xmx256m"}
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
. bench/baselines.sh loadgen perfbuf_drain ringbuf_drain

# the amplified copy: the baselines' build, with bench/burst's programs in place of theirs
rm -rf "$OUT/burst" && cp -r "$B" "$OUT/burst"
for program in perfbuf_drain ringbuf_drain; do
  cp "bench/burst/$program.bpf.c" "$OUT/burst/$program/"
  make -s -C "$OUT/burst/$program" clean >/dev/null
  make -s -C "$OUT/burst/$program" CLANG="clang -DBURST=$BURST" >/dev/null
done

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, kernel $(uname -r), loadavg $(cut -d' ' -f1-3 /proc/loadavg); N=$N records a run, C interval ${IV}us, $REPS runs each"
for set in "x1 $IV" "x$BURST $IV" "x$BURST $KPROM_DEFAULT_IV"; do
  read -r load kprom_iv <<< "$set"
  if [ "$load" = x1 ]; then dir=$B; calls=$N; else dir=$OUT/burst; calls=$((N / BURST)); fi
  label=$load; pages=64
  if [ "$kprom_iv" != "$IV" ]; then label="$load,kprom@$((kprom_iv / 1000))ms"; pages=$KPROM_PAGES; fi
  [ "$pages" = 64 ] || label="$label,${pages}p"
  for mode in perf ring; do
    taskset -c 1 java $JAVA_FLAGS -cp target/kprom.jar bench/java/DrainBench.java "$mode" "$dir" "$calls" "$IV" "$REPS" "$kprom_iv" "$pages" \
      | grep '^RESULT' | sed "s/^RESULT /RESULT load=$label /"
  done
done > "$OUT/drain.txt"

awk '
  function field(line, k) { return match(line, " " k "=[^ ]+") ? substr(line, RSTART + length(k) + 2, RLENGTH - length(k) - 2) : "" }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    load = field($0, "load"); tool = field($0, "tool"); key = load " " tool
    if (!(load in seen)) { seen[load] = 1; loads[++nloads] = load }
    lost = field($0, "lost"); if (lost == "") lost = field($0, "lost_cb")
    drops = field($0, "drops"); if (drops + 0 > lost + 0) lost = drops
    rate[key] = rate[key] " " field($0, "recv_rate_mps"); loss[key] = loss[key] " " lost
    if (!(key in minrate) || field($0, "recv_rate_mps") + 0 < minrate[key]) minrate[key] = field($0, "recv_rate_mps") + 0
    if (lost + 0 > maxloss[key]) maxloss[key] = lost + 0
    ns[key] = ns[key] " " field($0, "consumer_ns_per_event"); recv[key] = recv[key] " " field($0, "recv")
    th = field($0, "drain_thread_ns_per_event"); if (th != "") thr[key] = thr[key] " " th
    jit[key] = jit[key] " " field($0, "jit_ns_per_event")
    runs[key]++
    if (tool ~ /^kprom_/) pair[key] = pair[key] " " field($0, "consumer_ns_per_event") / lastc[load " " substr(tool, 7)]
    else lastc[key] = field($0, "consumer_ns_per_event")
  }
  END {
    printf "%-15s %-14s %4s %9s %8s %8s %7s %10s %9s %8s %7s %10s\n", "load", "consumer", "runs", "recv", "M/s", "min M/s", "lost", "cpu ns/rec", "drain thr", "jit", "vs C", "pairs vs C"
    split("perfbuf kprom_perfbuf ringbuf kprom_ringbuf", order, " ")
    for (l = 1; l <= nloads; l++) for (i = 1; i <= 4; i++) {
      key = loads[l] " " order[i]; if (!(key in runs)) continue
      c = median(ns[key]); base = order[i] ~ /^kprom_/ ? median(ns[loads[l] " " substr(order[i], 7)]) : c
      printf "%-15s %-14s %4d %9d %8.3f %8.3f %7d %10.1f %9s %8s %6.2fx %10s\n", loads[l], order[i], runs[key], median(recv[key]), median(rate[key]),
        minrate[key], maxloss[key], c, (key in thr) ? sprintf("%.1f", median(thr[key])) : "-", (key in thr) ? sprintf("%.1f", median(jit[key])) : "-",
        c / base, (key in pair) ? sprintf("%.2fx", median(pair[key])) : "-"
    }
    print "# load: x1 = the baselines'"'"' programs, a record per getppid(); xN = N records per call (bench/burst);"
    print "#       kprom@10ms: kprom at its default drain interval (C keeps its own), else both drain on the same interval"
    print "# lost: the most records lost in one run (perf: PERF_RECORD_LOST; ringbuf: the program'"'"'s failed outputs); min M/s: the slowest run"
    print "# cpu ns/rec: consumer process CPU / records, median (kprom: the whole JVM pinned to CPU 1, JIT and GC included)"
    print "# drain thr, jit: CPU of kprom'"'"'s drain threads, of the JIT compiler threads, per record (from /proc/self/task/N/schedstat)"
    print "# pairs vs C: median over runs of kprom / the C run just before it"
  }
' "$OUT/drain.txt"
