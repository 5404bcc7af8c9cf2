#!/usr/bin/env bash
# Map-read benchmark: kprom's MapReader against the C baseline ../shared/baselines/map_read
# (bpf_map_lookup_batch and get_next_key+lookup), in the same run, on the same machine.
# Prints ns/entry for both and the ratio kprom / C batch_4k (kprom reads 4096 entries per call).
# Needs root, target/kprom.jar (make build), and the baseline sources.
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINES=${BASELINES:-../shared/baselines}
REPS=${REPS:-5}
OUT=bench/out
[ -d "$BASELINES/map_read" ] || { echo "no C baseline at $BASELINES (set BASELINES=...)" >&2; exit 1; }
[ -f target/kprom.jar ] || { echo "target/kprom.jar missing: run 'make build'" >&2; exit 1; }
for p in libelf-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'install ok installed' || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $p >/dev/null
done

# Build the C baseline outside the (read-only) shared folder.
rm -rf "$OUT/baselines" && mkdir -p "$OUT" && cp -r "$BASELINES" "$OUT/baselines" && chmod -R u+w "$OUT/baselines"
make -s -C "$OUT/baselines/map_read" >/dev/null

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, kernel $(uname -r), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
# C before and after kprom; each C cell keeps the faster of its two medians (the comparison favours C).
"$OUT/baselines/map_read/map_read" -r "$REPS" -b true | grep '^RESULT' > "$OUT/c.txt"
java -XX:+UseSerialGC -Xmx512m -cp target/kprom.jar bench/java/MapReadBench.java "$REPS" 2>/dev/null | grep '^RESULT' > "$OUT/kprom.txt"
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
