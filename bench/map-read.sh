#!/usr/bin/env bash
# Map-read and scrape benchmarks against the C baseline ../shared/baselines/map_read
# (bpf_map_lookup_batch and get_next_key+lookup), in the same run, on the same machine.
# 1. kprom's MapReader: ns/entry against C batch_4k (kprom reads 4096 entries per call) and C's best.
# 2. one whole scrape of a 100k-series counter (read + decode + snapshot + text render) against
#    the C batch read of the same map alone; the target is 2x.
# Needs root, target/kprom.jar (make build), and the baseline sources.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-5}
SCRAPE_REPS=${SCRAPE_REPS:-15} # a scrape takes ~30 ms: more of them steady the median
. bench/baselines.sh map_read

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, kernel $(uname -r), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
# C before and after kprom; each C cell keeps the faster of its two medians (the comparison favours C).
"$OUT/baselines/map_read/map_read" -r "$REPS" -b true | grep '^RESULT' > "$OUT/c.txt"
java -XX:+UseSerialGC -Xmx512m -cp target/kprom.jar bench/java/MapReadBench.java "$REPS" 2>/dev/null | grep '^RESULT' > "$OUT/kprom.txt"
java -XX:+UseParallelGC -Xmx1g -cp target/kprom.jar bench/java/ScrapeBench.java "$SCRAPE_REPS" 2>/dev/null | grep '^RESULT' > "$OUT/scrape.txt"
"$OUT/baselines/map_read/map_read" -r "$REPS" -b true | grep '^RESULT' >> "$OUT/c.txt"

awk '
  function field(line, k,   m) { return match(line, k "=[^ ]+") ? substr(line, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "" }
  FNR == NR {
    if (field($0, "max") != 1000000) next
    id = field($0, "map") "/" field($0, "n") "/" field($0, "method"); v = field($0, "ns_per_entry") + 0
    if (!(id in c) || v < c[id]) c[id] = v
    next
  }
  {
    key = field($0, "map") "/" field($0, "n")
    k = field($0, "ns_per_entry"); b4 = c[key "/batch_4k"]; b1 = c[key "/batch_1k"]; bf = c[key "/batch_full"]; g = c[key "/gnk_lookup"]
    best = b4; if (b1 < best) best = b1; if (bf < best) best = bf
    printf "%-12s %8s %12.1f %12.1f %12.1f %12.1f %10.2fx %10.2fx\n", field($0, "map"), field($0, "n"), k, b4, best, g, k / b4, k / best
  }
  BEGIN { printf "%-12s %8s %12s %12s %12s %12s %11s %11s\n", "map", "entries", "kprom ns/e", "C b4k ns/e", "C best ns/e", "C gnk ns/e", "vs b4k", "vs best" }
' "$OUT/c.txt" "$OUT/kprom.txt"

echo
awk '
  function field(line, k) { return match(line, k "=[^ ]+") ? substr(line, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "" }
  FNR == NR {
    if (field($0, "max") != 1000000 || field($0, "map") != "hash") next
    id = field($0, "n") "/" field($0, "method"); v = field($0, "us_per_read") + 0
    if (!(id in c) || v < c[id]) c[id] = v
    next
  }
  field($0, "method") == "kprom_read_only" { r = field($0, "us_per_read"); n = field($0, "n") }
  field($0, "method") == "kprom_scrape" { s = field($0, "us_per_read") }
  field($0, "method") == "scrape_bytes" { b = field($0, "bytes") }
  END {
    cb = c[n "/batch_4k"]
    printf "%-34s %12s %12s\n", "scrape of a " n "-series counter", "us", "vs C batch"
    printf "%-34s %12.0f %11.2fx\n", "C bpf_map_lookup_batch (4k) alone", cb, 1
    printf "%-34s %12.0f %11.2fx\n", "kprom map read alone", r, r / cb
    printf "%-34s %12.0f %11.2fx   (%d bytes of text)\n", "kprom scrape: read+decode+render", s, s / cb, b
  }
' "$OUT/c.txt" "$OUT/scrape.txt"
