#!/usr/bin/env bash
# The RSS that Kubernetes metadata adds: kprom (bin/kprom, the default probe sets) with the pod cache on, watching a
# node of PODS pods (fabric8's API server emulation, run beside it, holding as many pods of another node too), next
# to the same kprom without it; both through bench/footprint.sh (start to ready, RSS and heap after 1,000 scrapes).
# Needs root, target/kprom.jar and the test classes (make build; mvn test-compile).
set -euo pipefail
cd "$(dirname "$0")/.."
PODS=${PODS:-500}
OUT=bench/out/kube-metadata
mkdir -p "$OUT"
[ -d target/test-classes/dev/kprom/testing ] || mvn -B -q test-compile -Dspotless.check.skip
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dspotless.check.skip >/dev/null
exec 3< <(java -cp "target/test-classes:target/classes:$(cat "$OUT/cp.txt")" bench/java/KubeApiBench.java "$PODS" \
    2>"$OUT/api.log" < <(sleep 100000))
read -r _ port <&3 || { echo "the API server did not start: see $OUT/api.log" >&2; exit 1; }
api=$!
trap 'pkill -f KubeApiBench.java || true' EXIT
cat > "$OUT/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "http://127.0.0.1:$port"}}]
users: [{name: bench, user: {token: bench}}]
contexts: [{name: bench, context: {cluster: bench, user: bench}}]
current-context: bench
YAML
sed 's|^probes_dir:.*|probes_dir: '"$(pwd)"'/config/probes|' config/kprom.yaml > "$OUT/off.yaml"
{ cat "$OUT/off.yaml"; printf 'kubernetes:\n  enabled: "true"\n  node_name: node-a\n  pod_labels: [app]\n'; } > "$OUT/on.yaml"
echo "# Kubernetes metadata for $PODS pods on this node ($PODS more on another), API server at 127.0.0.1:$port"
SHOW='^kprom_kube_(pods|watching|api_errors_total) ' CONFIGS="metadata-off=$OUT/off.yaml metadata-on=$OUT/on.yaml" VARIANTS="launcher=env:KUBECONFIG=$(pwd)/$OUT/kubeconfig" \
    bash bench/footprint.sh
