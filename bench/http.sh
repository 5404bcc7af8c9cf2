#!/usr/bin/env bash
# HTTP benchmark: wrk (8 connections, 2 threads, 30 s) against kprom's server serving a real 10k-entry BPF hash map (needs root);
# prints throughput, latency percentiles, errors, and the server's RSS before and after the load.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30s}
SERIES=${SERIES:-10000}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/kprom.jar ] || { echo "target/kprom.jar missing: run 'make build'" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: run 'make bench-deps'" >&2; exit 1; }

java -Xmx256m -XX:+UseSerialGC -cp target/kprom.jar bench/java/HttpBench.java "$SERIES" > "$OUT/http-server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^PORT ' "$OUT/http-server.log" && break; sleep 0.2; done
port=$(awk '/^PORT /{print $2}' "$OUT/http-server.log")
url="http://127.0.0.1:$port/metrics"
rss() { awk '/^VmRSS/{print $2}' /proc/$pid/status; }

# warm up (JIT, buffers) with the same load for a few seconds, then measure RSS before and after
wrk -t2 -c8 -d5s "$url" >/dev/null
before=$(rss)
bytes=$(curl -s "$url" | wc -c)
echo "# $(date -u +%FT%TZ) $(nproc) CPUs; $SERIES series, $bytes bytes per scrape; wrk -t2 -c8 -d$DURATION"
wrk -t2 -c8 -d"$DURATION" --latency "$url" | tee "$OUT/wrk.txt" | grep -E 'Requests/sec|Transfer/sec|requests in|Socket errors|Non-2xx| 50%| 75%| 90%| 99%' || true
after=$(rss)
kill -0 $pid && echo "server still up after the load"
awk -v b="$before" -v a="$after" 'BEGIN { printf "RSS before %.1f MiB, after %.1f MiB: %.2fx\n", b/1024, a/1024, a/b }'
