#!/usr/bin/env bash
# Footprint as a new user lives with it: kprom started by bin/kprom (the flags make run and the image use),
# on this machine's kernel, with the default config and with every built-in probe set on. For each, it prints
# start-to-ready time (exec to /readyz 200), then after SCRAPES scrapes of /metrics: RSS (anonymous, file and
# shared parts), Java heap used/committed, metaspace, code cache, threads. VARIANTS compares JVM flag sets (a
# name=flags pair each, flags separated by commas, env:NAME=VALUE for the launcher's environment; no flags:
# bin/kprom's own). SHOW: a regular expression of metrics lines to print after each run. With NMT=1 each run also prints the JVM's native
# memory summary (committed KiB by category), which accounts for the JVM's part of the RSS. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRAPES=${SCRAPES:-1000}
PORT=${PORT:-19436}
OUT=bench/out/footprint
mkdir -p "$OUT"
[ -f target/kprom.jar ] || { echo "target/kprom.jar missing: run 'make build'" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "footprint.sh loads BPF programs: run it as root" >&2; exit 1; }
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
jcmd="$JAVA_HOME/bin/jcmd"; jstat="$JAVA_HOME/bin/jstat"

# Every built-in probe set (config/probes/*.yaml), in a config of its own.
all_config="$OUT/all.yaml"
{
    echo "listen: 127.0.0.1:$PORT"
    echo "probes_dir: $(pwd)/config/probes"
    echo "probe_sets: [$(ls config/probes/*.yaml | xargs -n1 basename | sed 's/\.yaml$//' | paste -sd, | sed 's/,/, /g')]"
    echo "log_level: warn"
} > "$all_config"
CONFIGS=${CONFIGS:-"default=config/kprom.yaml all=$all_config"}
# bin/kprom as shipped, then each of its choices undone (README.md#footprint): the JVM's defaults, C2 back on,
# no class data archive.
LAUNCHER="-XX:+UseSerialGC,-Xms8m,-Xmx128m,-XX:MinHeapFreeRatio=10,-XX:MaxHeapFreeRatio=30,-Xss256k"
VARIANTS=${VARIANTS:-"launcher= jvm-defaults=-Dkprom.footprint=defaults,env:KPROM_CDS=off,env:MALLOC_ARENA_MAX=16 with-c2=$LAUNCHER two-compilers=$LAUNCHER,-XX:TieredStopAtLevel=1 without-cds=env:KPROM_CDS=off"}

kib() { awk -v k="$1" '/^'"$1"':/{print $2}' /proc/"$2"/status; }

run() { # name config variant-name flags
    local name=$1 config=$2 vname=$3 flags=${4//,/ } log="$OUT/$1-$3.log"
    local env=() f jvm=""
    for f in $flags; do # env:NAME=VALUE items set the launcher's environment, the rest are JVM flags
        case $f in env:*) env+=("${f#env:}") ;; *) jvm="$jvm $f" ;; esac
    done
    if [ -n "$jvm" ]; then env+=(KPROM_JVM_FLAGS="$jvm"); fi
    [ "${NMT:-0}" = 1 ] && env+=(KPROM_JAVA_OPTS="-XX:NativeMemoryTracking=summary")
    local t0 t1 pid
    t0=$(date +%s%N)
    env "${env[@]}" bin/kprom --config "$config" --listen "127.0.0.1:$PORT" > "$log" 2>&1 &
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz"; do
        kill -0 $pid 2>/dev/null || { echo "kprom exited: see $log" >&2; tail -5 "$log" >&2; exit 1; }
        sleep 0.01
    done
    t1=$(date +%s%N)
    # The JVM's own pid (bin/kprom execs java, so it is $pid).
    local urls=() i failed=0
    for i in $(seq 100); do urls+=("http://127.0.0.1:$PORT/metrics"); done
    for i in $(seq $((SCRAPES / 100))); do
        curl -fs "${urls[@]}" > /dev/null || failed=$((failed + 1))
    done
    sleep 1
    local rss anon file shmem threads heap_used heap_cap meta_used meta_cap code
    rss=$(kib VmRSS $pid); anon=$(kib RssAnon $pid); file=$(kib RssFile $pid); shmem=$(kib RssShmem $pid)
    threads=$(kib Threads $pid)
    read -r heap_used heap_cap meta_used meta_cap < <("$jstat" -gc $pid | awk 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i }
        NR==2 { printf "%d %d %d %d\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"],
                $col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"], $col["MU"], $col["MC"] }')
    code=$("$jcmd" $pid Compiler.codecache | grep -o 'used=[0-9]*Kb' | tr -dc '0-9\n' | awk '{s += $1} END {print s}')
    printf "%-8s %-10s %6.2f s %8.1f %8.1f %6.1f %6.1f %8.1f/%-6.1f %6.1f/%-6.1f %6.1f %4d %4d\n" "$name" "$vname" \
        "$(echo "($t1 - $t0) / 1000000000" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$(echo "$anon / 1024" | bc -l)" \
        "$(echo "$file / 1024" | bc -l)" "$(echo "$shmem / 1024" | bc -l)" "$(echo "$heap_used / 1024" | bc -l)" \
        "$(echo "$heap_cap / 1024" | bc -l)" "$(echo "$meta_used / 1024" | bc -l)" "$(echo "$meta_cap / 1024" | bc -l)" \
        "$(echo "$code / 1024" | bc -l)" "$threads" "$failed"
    if [ -n "${SHOW:-}" ]; then # metrics lines to print beside the figures (a regular expression)
        curl -fs "http://127.0.0.1:$PORT/metrics" | grep -E "$SHOW" | sed 's/^/    /' || true
    fi
    if [ "${NMT:-0}" = 1 ]; then
        "$jcmd" $pid VM.native_memory summary | awk '/^-/ { sub(/^- */, ""); name = $0 } /committed=/ && name != "" {
            match($0, /committed=[0-9]+KB/); printf "    NMT %-28s %8.1f MiB\n", name, substr($0, RSTART + 10, RLENGTH - 12) / 1024; name = "" }' \
            | grep -v ' 0.0 MiB' || true
    fi
    kill -TERM $pid; wait $pid 2>/dev/null || true
}

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); $SCRAPES scrapes each"
echo "# config   variant     ready   RSS MiB  anon   file   shmem  heap used/cap  meta used/cap   code  thr  failed-batches"
for c in $CONFIGS; do
    for v in $VARIANTS; do
        run "${c%%=*}" "${c#*=}" "${v%%=*}" "${v#*=}"
    done
done
