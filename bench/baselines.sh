# Sourced by the benchmarks that run next to the C baselines: checks the jar and the baseline sources, installs
# what the C side needs to build, and builds the given baseline programs in bench/out/baselines (outside the
# read-only shared folder). Usage: . bench/baselines.sh map_read   (or: loadgen perfbuf_drain ringbuf_drain)
BASELINES=${BASELINES:-../shared/baselines}
OUT=bench/out
[ -d "$BASELINES/$1" ] || { echo "no C baseline at $BASELINES (set BASELINES=...)" >&2; exit 1; }
[ -f target/kprom.jar ] || { echo "target/kprom.jar missing: run 'make build'" >&2; exit 1; }
for p in libelf-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'install ok installed' || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $p >/dev/null
done
rm -rf "$OUT/baselines" && mkdir -p "$OUT" && cp -r "$BASELINES" "$OUT/baselines" && chmod -R u+w "$OUT/baselines"
for program in "$@"; do make -s -C "$OUT/baselines/$program" >/dev/null; done
B=$OUT/baselines
