#!/usr/bin/env bash
# Soak: kprom as a node runs it for months, compressed. bin/kprom runs with two configs that it alternates
# between on SIGHUP every RELOAD_EVERY seconds (A: execve, oomkill, tcp_retransmits; B: the same with execve's
# YAML edited, so that one probe set is replaced at each reload and the others stay), while short-lived
# processes with ever-new command names churn execve's keys and a client scrapes every second. Every
# REPORT_EVERY seconds it prints RSS, Java heap in use, compiled code, open fds, threads, BPF programs loaded on
# the host, reloads done and failed scrapes. Target: all flat after the first reports, zero failed scrapes, zero failed reloads, and no
# program or pin left once kprom stops. Needs root and target/kprom.jar. DURATION defaults to 600 s.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-600}
RELOAD_EVERY=${RELOAD_EVERY:-10}
REPORT_EVERY=${REPORT_EVERY:-60}
PORT=${PORT:-19438}
[ "$(id -u)" -eq 0 ] || { echo "soak.sh loads BPF programs: run it as root" >&2; exit 1; }
[ -f target/kprom.jar ] || { echo "target/kprom.jar missing: run 'make build'" >&2; exit 1; }
work=$(mktemp -d /tmp/kprom-soak.XXXXXX)
mkdir -p "$work/probes" "$work/bin"
cp config/probes/execve.yaml "$work/probes/execve.yaml"
cat > "$work/kprom.yaml" <<YAML
listen: 127.0.0.1:$PORT
probe_sets: [execve, oomkill, tcp_retransmits]
watch_config: false
log_level: info
YAML
progs() { bpftool prog show 2>/dev/null | grep -c '^[0-9]*:' || true; }
programs_before=$(progs)

bin/kprom --config "$work/kprom.yaml" > "$work/kprom.log" 2>&1 &
pid=$!
churn_pid=""
cleanup() {
    [ -n "$churn_pid" ] && kill "$churn_pid" 2>/dev/null || true
    kill -TERM $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz"; do
    kill -0 $pid 2>/dev/null || { cat "$work/kprom.log" >&2; exit 1; }
    sleep 0.1
done

# Key churn: copies of /bin/true under new names, each exec'd once (a new execve_total key each), ~50 a second.
(
    n=0
    while true; do
        name="soak$(printf '%08x' $((RANDOM * 32768 + RANDOM)))"
        cp /bin/true "$work/bin/$name" && "$work/bin/$name" && rm -f "$work/bin/$name"
        n=$((n + 1))
        [ $((n % 50)) -eq 0 ] && sleep 1
    done
) &
churn_pid=$!

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, $(uname -r); ${DURATION}s, reload every ${RELOAD_EVERY}s, a scrape every 1s"
echo "# elapsed   RSS MiB  heap MiB  code MiB   fds  threads  host progs  reloads  failed reloads  scrapes  failed scrapes"
start=$(date +%s); next_reload=$((start + RELOAD_EVERY)); next_report=$start
scrapes=0; failed=0; reloads=0; variant=0
report() {
    local now=$1
    printf "%8ds %9.1f %9.1f %9.1f %5d %8d %11d %8d %15s %8d %15d\n" $((now - start)) \
        "$(awk '/^VmRSS/{print $2/1024}' /proc/$pid/status)" \
        "$(jstat -gc $pid | awk 'NR==1 { for (i = 1; i <= NF; i++) c[$i] = i } NR==2 { print ($c["EU"] + $c["OU"] + $c["S0U"] + $c["S1U"]) / 1024 }')" \
        "$(jcmd $pid Compiler.codecache | grep -o 'used=[0-9]*Kb' | tr -dc '0-9\n' | awk '{s += $1} END {print s / 1024}')" \
        "$(ls /proc/$pid/fd | wc -l)" \
        "$(awk '/^Threads/{print $2}' /proc/$pid/status)" "$(progs)" "$reloads" \
        "$(grep -c 'reload refused' "$work/kprom.log" || true)" "$scrapes" "$failed"
}
while true; do
    now=$(date +%s)
    [ $((now - start)) -ge "$DURATION" ] && break
    if [ "$now" -ge "$next_report" ]; then report "$now"; next_report=$((now + REPORT_EVERY)); fi
    if [ "$now" -ge "$next_reload" ]; then
        variant=$((1 - variant))
        if [ $variant -eq 1 ]; then
            sed 's/^\(\s*help: \)execve() calls/\1All execve() calls/' config/probes/execve.yaml > "$work/probes/execve.yaml"
        else
            cp config/probes/execve.yaml "$work/probes/execve.yaml"
        fi
        kill -HUP $pid
        reloads=$((reloads + 1)); next_reload=$((now + RELOAD_EVERY))
    fi
    scrapes=$((scrapes + 1))
    curl -fs -m 5 -o /dev/null "http://127.0.0.1:$PORT/metrics" || failed=$((failed + 1))
    sleep 1
done
report "$(date +%s)"
sleep 1
applied=$(grep -c 'probe sets: 0 added, 1 changed, 0 removed, 2 unchanged' "$work/kprom.log" || true)
echo "# reloads sent: $reloads, applied (1 changed, 2 unchanged): $applied, refused: $(grep -c 'reload refused' "$work/kprom.log" || true)"
kill "$churn_pid" 2>/dev/null || true; churn_pid=""
kill -TERM $pid; wait $pid || true
sleep 0.5
echo "# host programs before kprom: $programs_before, after it stopped: $(progs); pins under /sys/fs/bpf/kprom: $(find /sys/fs/bpf/kprom -mindepth 1 2>/dev/null | wc -l)"
grep -E 'WARN|ERROR' "$work/kprom.log" | sort | uniq -c | sort -rn | head -5 | sed 's/^/# log: /' || true
