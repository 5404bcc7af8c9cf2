#!/usr/bin/env bash
# Abuse: kprom (bin/kprom, basic auth on, the default probe sets) under each attack of bench/java/AbuseBench.java
# for ATTACK_SECONDS seconds (default 20) while a good client scrapes /metrics and probes /healthz every second: a client
# pipelining thousands of scrapes without reading, 300 silent sockets and 200 slowloris sockets from 50 addresses,
# a flood of wrong passwords from 48 addresses, and /events clients that never read. Prints per attack the good
# client's scrape success and p99, /healthz p99, kprom's RSS before, at the end, and 10 s after, and connect()
# calls made by a load thread against those kprom counted and lost. Target: every good scrape succeeds, RSS back
# within 10%, every connect() counted. ATTACKS=a,b runs only those attacks (after the baseline).
# Needs root and target/kprom.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
ATTACK_SECONDS=${ATTACK_SECONDS:-20}
PORT=${PORT:-19439}
[ "$(id -u)" -eq 0 ] || { echo "abuse.sh loads BPF programs: run it as root" >&2; exit 1; }
[ -f target/kprom.jar ] || { echo "target/kprom.jar missing: run 'make build'" >&2; exit 1; }
work=$(mktemp -d /tmp/kprom-abuse.XXXXXX)
hash=$(java -cp target/kprom.jar bench/java/BcryptHash.java s3cret)
printf 'basic_auth_users:\n  prometheus: %s\n' "$hash" > "$work/web.yml"
printf 'listen: 127.0.0.1:%s\nprobe_sets: [execve, oomkill, tcp_retransmits, connect]\nevents_path: /events\nweb_config_file: web.yml\nwatch_config: false\nlog_level: warn\n' "$PORT" > "$work/kprom.yaml"
bin/kprom --config "$work/kprom.yaml" > "$work/kprom.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz"; do
    kill -0 $pid 2>/dev/null || { cat "$work/kprom.log" >&2; exit 1; }
    sleep 0.1
done
echo "# $(date -u +%FT%TZ) $(nproc) CPUs, $(uname -r); ${ATTACK_SECONDS}s per attack, bin/kprom with basic auth"
java -cp target/kprom.jar bench/java/AbuseBench.java "$PORT" "$pid" prometheus s3cret "$ATTACK_SECONDS" "${ATTACKS:-}"
