#!/usr/bin/env bash
# Builds a class data sharing archive for kprom (target/kprom.jsa beside the jar), which bin/kprom then maps:
# the classes a running daemon loads come parsed and verified from the archive instead of the jar, so the daemon
# is ready sooner and holds less metaspace (figures in README.md#footprint). The archive is recorded by a training
# run of the same java that will use it: the daemon itself with the default config when this is root on a BPF
# kernel (started, scraped, stopped), else `check-config` (config, YAML and libbpf classes only). An archive that
# no longer matches its jar or JVM is ignored by the JVM (-Xshare:auto), never an error.
# Usage: tools/cds-archive.sh [JAVA] [JAR] [CONFIG]
set -euo pipefail
JAVA=${1:-java}
JAR=${2:-target/kprom.jar}
CONFIG=${3:-config/kprom.yaml}
ARCHIVE=${JAR%.jar}.jsa
FLAGS=$(sed -n 's/^flags="\(.*\)"$/\1/p' "$(dirname "$0")/../bin/kprom")
rm -f "$ARCHIVE"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086
if [ "$(id -u)" -eq 0 ] && [ -e /sys/kernel/btf/vmlinux ]; then
    "$JAVA" $FLAGS -XX:ArchiveClassesAtExit="$ARCHIVE" -jar "$JAR" --config "$CONFIG" --listen 127.0.0.1:0 >"$log" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 200); do
        port=$(sed -n 's|.*serving /metrics on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
        [ -n "$port" ] || ! kill -0 $pid 2>/dev/null && break
        sleep 0.05
    done
    if [ -n "$port" ]; then
        for path in readyz metrics probes; do curl -fs -o /dev/null "http://127.0.0.1:$port/$path" || true; done
        curl -fs -o /dev/null -H 'Accept: application/openmetrics-text; version=1.0.0' "http://127.0.0.1:$port/metrics" || true
        kill -TERM $pid
    fi
    wait $pid || true
else
    "$JAVA" $FLAGS -XX:ArchiveClassesAtExit="$ARCHIVE" -jar "$JAR" check-config "$CONFIG" >"$log" 2>&1 || true
fi
if [ -f "$ARCHIVE" ]; then
    echo "cds: $ARCHIVE ($(du -k "$ARCHIVE" | cut -f1) KiB)"
else
    echo "cds: no archive made (kprom runs without one):" >&2
    tail -3 "$log" >&2
fi
