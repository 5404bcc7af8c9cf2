#!/usr/bin/env bash
# The BPF inventory of a node with 1,000 programs and 1,000 maps (created by the bench): one kprom scrape of
# config/probes/bpf_inventory.yaml against bpftool's dump of the same objects (prog show + map show, JSON), in the
# same run, with kernel.bpf_stats_enabled 0 and then 1 (then kprom reads every program's run stats anew); the target
# is kprom at least 2x faster. Needs root, target/kprom.jar and target/test-bpf (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-15}
[ -f target/kprom.jar ] && [ -f target/test-bpf/one_program.bpf.o ] || { echo "run 'make build' first" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "bpftool missing: run 'make deps'" >&2; exit 1; }
mkdir -p bench/out
echo "# $(date -u +%FT%TZ) $(nproc) CPUs, kernel $(uname -r), bpftool $(bpftool version | head -1 | awk '{print $2}')"
java -XX:+UseSerialGC -Xmx256m -cp target/kprom.jar bench/java/InventoryBench.java "$REPS" 2>/dev/null \
  | grep '^RESULT' > bench/out/inventory.txt
awk '
  function field(line, k) { return match(line, " " k "=[^ ]+") ? substr(line, RSTART + length(k) + 2, RLENGTH - length(k) - 2) : "" }
  field($0, "method") == "kprom_scrape" {
    mode = field($0, "bpf_stats"); k[mode] = field($0, "ms"); w[mode] = field($0, "walk_ms")
    p = field($0, "programs"); m = field($0, "maps"); c = field($0, "counted"); modes[++n] = mode
  }
  field($0, "method") == "bpftool_prog_and_map_show" { b[field($0, "bpf_stats")] = field($0, "ms") }
  END {
    printf "inventory of %d programs and %d maps (%d counted)\n", p, m, c
    printf "%-12s %16s %14s %18s %12s\n", "bpf_stats", "kprom scrape ms", "(its walk ms)", "bpftool dump ms", "bpftool/kprom"
    for (i = 1; i <= n; i++) { s = modes[i]; printf "%-12s %16.1f %14.1f %18.1f %11.2fx\n", s, k[s], w[s], b[s], b[s] / k[s] }
  }
' bench/out/inventory.txt
