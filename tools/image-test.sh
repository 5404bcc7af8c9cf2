#!/usr/bin/env bash
# Builds the Dockerfile for real and runs the image, with no registry: a Debian 12 base made by debootstrap and
# imported into podman, `buildah bud --isolation chroot` (no container runtime needed to build), then podman
# (runc, lowered ulimits) runs `kprom --version`, `kprom check-config`, and the daemon with the chart's
# capabilities (BPF, PERFMON, with seccomp unconfined as the chart sets it; and BPF, PERFMON, SYS_ADMIN under
# podman's default seccomp) and host mounts, which must serve kprom_execve_total. Prints the image size.
# Needs root. `make image-test` runs it; the base is made once and kept in podman's store.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=localhost/kprom-base:bookworm
IMAGE=localhost/kprom:test
PORT=${PORT:-19436}
ROOTFS=/var/tmp/kprom-base/rootfs
run_opts=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)  # this host refuses higher limits

need=()
for p in podman buildah debootstrap runc; do command -v $p >/dev/null || need+=($p); done
if [ ${#need[@]} -gt 0 ]; then
  echo "image-test: installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

if ! podman image exists "$BASE"; then
  echo "image-test: making $BASE with debootstrap (a few minutes, once)"
  [ -x "$ROOTFS/bin/sh" ] || { rm -rf "$ROOTFS"; mkdir -p "$(dirname "$ROOTFS")"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$ROOTFS" http://deb.debian.org/debian >/dev/null; }
  # as slim as Debian's own images: no package lists, caches or downloaded packages
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb
  tar -C "$ROOTFS" -c . | podman import - "$BASE" >/dev/null
fi

echo "image-test: building $IMAGE"
start=$(date +%s)
# The host's Java trust store (it may hold a proxy's CA the base lacks) and Maven cache, for the build stage only.
mkdir -p "$HOME/.m2"
buildah bud --isolation chroot --layers -q --build-arg BUILD_IMAGE=$BASE --build-arg RUNTIME_IMAGE=$BASE \
  -v /etc/ssl/certs/java/cacerts:/run/host-cacerts:ro -v "$HOME/.m2:/root/.m2" \
  --build-arg MAVEN_OPTS=-Djavax.net.ssl.trustStore=/run/host-cacerts -t $IMAGE . >/dev/null
echo "image-test: built in $(( $(date +%s) - start )) s"

fail() { echo "image-test: FAILED: $*" >&2; exit 1; }
version=$(podman run "${run_opts[@]}" --rm $IMAGE --version)
[[ $version == "kprom "* ]] || fail "--version printed: $version"
echo "image-test: --version: $version"
check=$(podman run "${run_opts[@]}" --rm $IMAGE check-config /etc/kprom/kprom.yaml)
[[ $check == *": OK ("* ]] || fail "check-config printed: $check"
echo "image-test: check-config: $check"
podman run "${run_opts[@]}" --rm $IMAGE check-config /etc/kprom/nothing.yaml >/dev/null 2>&1 && fail "check-config of a missing file succeeded"

daemon() { # caps [podman options...]
  local caps=$1; shift
  podman rm -f kprom-image-test >/dev/null 2>&1 || true
  podman run "${run_opts[@]}" -d --name kprom-image-test --network host \
    --cap-drop ALL --cap-add "$caps" "$@" \
    -v /sys/kernel/tracing:/sys/kernel/tracing:ro -v /sys/kernel/btf:/sys/kernel/btf:ro \
    $IMAGE --config /etc/kprom/kprom.yaml --listen 127.0.0.1:$PORT >/dev/null
  for _ in $(seq 60); do
    curl -sf http://127.0.0.1:$PORT/readyz >/dev/null 2>&1 && return 0
    [ "$(podman inspect -f '{{.State.Running}}' kprom-image-test)" = true ] || break
    sleep 1
  done
  podman logs kprom-image-test >&2
  return 1
}
trap 'podman rm -f kprom-image-test >/dev/null 2>&1 || true' EXIT
# As the issue's check runs it (podman's default seccomp profile lets bpf() through only with SYS_ADMIN), then as
# the chart runs it: CAP_BPF and CAP_PERFMON only, seccomp unconfined.
for setup in "BPF,PERFMON,SYS_ADMIN" "BPF,PERFMON --security-opt seccomp=unconfined"; do
  # shellcheck disable=SC2086
  daemon $setup || fail "the daemon did not become ready with --cap-add $setup"
  for _ in 1 2 3; do /bin/true; done
  sleep 1
  metrics=$(curl -sf http://127.0.0.1:$PORT/metrics)
  grep -q '^kprom_execve_total{' <<<"$metrics" || fail "no kprom_execve_total with --cap-add $setup"
  echo "image-test: --cap-drop ALL --cap-add $setup: ready, $(grep -c '^kprom_execve_total{' <<<"$metrics") kprom_execve_total series"
  podman rm -f kprom-image-test >/dev/null
done
size=$(podman image inspect --format '{{.Size}}' $IMAGE)
base=$(podman image inspect --format '{{.Size}}' $BASE)
echo "image-test: OK; image $IMAGE is $((size / 1024 / 1024)) MiB ($(( (size - base) / 1024 / 1024 )) MiB above the $((base / 1024 / 1024)) MiB Debian base)"
