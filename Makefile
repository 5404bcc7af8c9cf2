# kprom — two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL      := /bin/bash
BPF_OUT    := target/bpf
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
# (the multiarch directory has asm/errno.h, which libbpf's usdt.bpf.h reaches through linux/errno.h)
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -D__TARGET_ARCH_$(ARCH) -I$(BPF_OUT) -Iprobes/include \
              -I/usr/include/$(shell uname -m)-linux-gnu
PROBES     := $(patsubst probes/%.bpf.c,$(BPF_OUT)/%.bpf.o,$(wildcard probes/*.bpf.c))
TEST_OUT   := target/test-bpf
TEST_PROBES:= $(patsubst src/test/bpf/%.bpf.c,$(TEST_OUT)/%.bpf.o,$(wildcard src/test/bpf/*.bpf.c))
TEST_BINS  := $(patsubst src/test/bin/%.c,target/test-bin/%,$(wildcard src/test/bin/*.c))
MVN        ?= mvn -B -q
CONFIG     ?= config/kprom.yaml

# Debian packages, by what needs them: building and running kprom (BPF toolchain, libbpf, a JDK, Maven, curl
# for the class-data archive's training run, the PCI ID database for the pci_* decoders), its tests (a real
# Prometheus, TLS certificates, network namespaces, the helm binary's zip, a headless browser for the status
# page, <sys/sdt.h> for the USDT test program; Node.js for the chart tests), and the benchmarks (wrk).
BUILD_PKGS := clang llvm libbpf-dev libbpf1 bpftool openjdk-17-jdk-headless maven curl pci.ids
TEST_PKGS  := prometheus openssl iproute2 util-linux unzip chromium systemtap-sdt-dev e2fsprogs python3
BENCH_PKGS := wrk

.PHONY: all deps test-deps bench-deps build cds probes run test helm-test image-test bench clean

all: build

# install-missing PACKAGES: apt-get runs only when one is absent (idempotent).
define install-missing
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "make: installing $$missing"; \
	    if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

## deps: what building and running kprom needs.
deps:
	$(call install-missing,$(BUILD_PKGS))

## test-deps: what the tests need besides; Node.js and npm only when no npm is on the PATH (a Node.js from
## elsewhere, NodeSource say, brings its own).
test-deps: deps
	$(call install-missing,$(TEST_PKGS))
	@command -v npm >/dev/null || $(MAKE) --no-print-directory install-node

.PHONY: install-node
install-node:
	$(call install-missing,nodejs npm)

## bench-deps: what the benchmarks need besides.
bench-deps: test-deps
	$(call install-missing,$(BENCH_PKGS))

## probes: compile every probes/*.bpf.c into target/bpf/*.bpf.o (the jar packs them),
## the test-only objects of src/test/bpf into target/test-bpf, and the programs tests probe into target/test-bin.
probes: $(PROBES) $(TEST_PROBES) $(TEST_BINS)

target/test-bin/%: src/test/bin/%.c
	@mkdir -p target/test-bin
	$(CLANG) -O1 -g -Wall -Werror -o $@ $<

# The USDT test program needs <sys/sdt.h> (systemtap-sdt-dev, from make test-deps): without it, as in the image's
# build stage, it is left out, and the USDT test fails (under CI=true) for want of it rather than skipping.
target/test-bin/usdt_target: src/test/bin/usdt_target.c
	@mkdir -p target/test-bin
	@if echo '#include <sys/sdt.h>' | $(CLANG) -E -x c - >/dev/null 2>&1; then \
	    echo "$(CLANG) -O1 -g -Wall -Werror -o $@ $<"; $(CLANG) -O1 -g -Wall -Werror -o $@ $<; \
	else echo "make: leaving out $@: no <sys/sdt.h> (make test-deps installs systemtap-sdt-dev)"; fi

$(BPF_OUT)/vmlinux.h:
	@command -v $(BPFTOOL) >/dev/null || { echo "bpftool not found: run 'make deps' or 'apt-get install bpftool'" >&2; exit 1; }
	@mkdir -p $(BPF_OUT)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BPF_OUT)/%.bpf.o: probes/%.bpf.c $(BPF_OUT)/vmlinux.h $(wildcard probes/include/*.h)
	@command -v $(CLANG) >/dev/null || { echo "clang not found: run 'make deps' or 'apt-get install clang libbpf-dev'" >&2; exit 1; }
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(TEST_OUT)/%.bpf.o: src/test/bpf/%.bpf.c $(BPF_OUT)/vmlinux.h $(wildcard probes/include/*.h)
	@command -v $(CLANG) >/dev/null || { echo "clang not found: run 'make deps' or 'apt-get install clang libbpf-dev'" >&2; exit 1; }
	@mkdir -p $(TEST_OUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

## build: the jar, target/kprom.jar, with the probes inside, and its class data sharing archive.
build: deps
	$(MVN) package -DskipTests
	$(MAKE) --no-print-directory cds

## cds: target/kprom.jsa, the class data sharing archive bin/kprom maps (faster start, less metaspace).
cds:
	bash tools/cds-archive.sh java target/kprom.jar $(CONFIG)

## run: start kprom with the default config (needs root for BPF).
run: build
	@if [ "$$(id -u)" -ne 0 ]; then echo "kprom loads BPF programs: run 'sudo make run'" >&2; exit 1; fi
	bin/kprom --config $(CONFIG)

## test: every test, including those that load real BPF programs (as root), then the Helm chart's.
test: test-deps
	$(MVN) verify
	$(MAKE) helm-test

## helm-test: helm lint --strict and helm template for the default and ci/*-values.yaml, every manifest
## validated offline against the Kubernetes API schemas, the DaemonSet's capabilities and mounts checked,
## each rendered config checked by kprom check-config (needs target/kprom.jar).
helm-test: test-deps
	cd helm/test && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } \
	  && node --test
## image-test: build the Dockerfile with buildah against a local debootstrap'ed Debian base (no registry
## needed), then run the image: --version, check-config, and the daemon with CAP_BPF+CAP_PERFMON serving metrics.
image-test:
	bash tools/image-test.sh

## bench: footprint (RSS, heap, start time), map reads and scrapes against the C baseline (one run), HTTP
## under wrk, event drain against C, attacks on the HTTP server, the BPF inventory against bpftool, the RSS of
## Kubernetes metadata for 500 pods (bench/soak.sh, 10 minutes, runs on its own).
bench: build bench-deps
	bash bench/footprint.sh
	bash bench/map-read.sh
	bash bench/http.sh
	bash bench/drain.sh
	bash bench/abuse.sh
	bash bench/inventory.sh
	bash bench/kube-metadata.sh

clean:
	rm -rf target

## tables: regenerate the errno and syscall name tables the decoders use (from linux-libc-dev headers;
## committed, so builds do not need the headers).
TABLES := src/main/resources/decode
tables:
	@mkdir -p $(TABLES)
	cat /usr/include/asm-generic/errno-base.h /usr/include/asm-generic/errno.h \
	  | awk '$$1 == "#define" && $$3 ~ /^[0-9]+$$/ { print $$3 "\t" $$2 }' | sort -n -u -k1,1 > $(TABLES)/errno.tsv
	awk '$$1 == "#define" && $$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ { sub(/^__NR_/, "", $$2); print $$3 "\t" $$2 }' \
	  /usr/include/x86_64-linux-gnu/asm/unistd_64.h | sort -n > $(TABLES)/syscalls-x86_64.tsv
	awk '$$1 == "#define" && $$2 ~ /^__NR(3264)?_/ && $$3 ~ /^[0-9]+$$/ && $$2 != "__NR_syscalls" && $$2 != "__NR_arch_specific_syscall" \
	  { sub(/^__NR(3264)?_/, "", $$2); print $$3 "\t" $$2 }' /usr/include/asm-generic/unistd.h | sort -n -u -k1,1 > $(TABLES)/syscalls-arm64.tsv

.PHONY: tables
