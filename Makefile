# kprom — two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL      := /bin/bash
BPF_OUT    := target/bpf
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -D__TARGET_ARCH_$(ARCH) -I$(BPF_OUT) -Iprobes/include
PROBES     := $(patsubst probes/%.bpf.c,$(BPF_OUT)/%.bpf.o,$(wildcard probes/*.bpf.c))
TEST_OUT   := target/test-bpf
TEST_PROBES:= $(patsubst src/test/bpf/%.bpf.c,$(TEST_OUT)/%.bpf.o,$(wildcard src/test/bpf/*.bpf.c))
MVN        ?= mvn -B -q
CONFIG     ?= config/kprom.yaml

# Debian packages kprom needs to build and run: BPF toolchain, libbpf, a JDK and Maven.
DEB_PKGS   := clang llvm libbpf-dev libbpf1 bpftool openjdk-17-jdk-headless maven prometheus wrk openssl iproute2 util-linux unzip curl

.PHONY: all deps build probes run test helm-test image-test bench clean

all: build

## deps: install what is missing (idempotent; apt-get runs only when a package is absent).
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing $$missing"; \
	    if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# Node.js and npm run the chart tests; a Node.js from elsewhere (NodeSource, say) brings its own npm.
	@command -v npm >/dev/null || { echo "make deps: installing nodejs npm"; if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }

## probes: compile every probes/*.bpf.c into target/bpf/*.bpf.o (the jar packs them),
## and the test-only objects of src/test/bpf into target/test-bpf.
probes: $(PROBES) $(TEST_PROBES)

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

## build: the jar, target/kprom.jar, with the probes inside.
build: deps
	$(MVN) package -DskipTests

## run: start kprom with the default config (needs root for BPF).
run: build
	@if [ "$$(id -u)" -ne 0 ]; then echo "kprom loads BPF programs: run 'sudo make run'" >&2; exit 1; fi
	java -jar target/kprom.jar --config $(CONFIG)

## test: every test, including those that load real BPF programs (as root), then the Helm chart's.
test: deps
	$(MVN) verify
	$(MAKE) helm-test

## helm-test: helm lint --strict and helm template for the default and ci/*-values.yaml, every manifest
## validated offline against the Kubernetes API schemas, the DaemonSet's capabilities and mounts checked,
## each rendered config checked by kprom check-config (needs target/kprom.jar).
helm-test: deps
	cd helm/test && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } \
	  && node --test
## image-test: build the Dockerfile with buildah against a local debootstrap'ed Debian base (no registry
## needed), then run the image: --version, check-config, and the daemon with CAP_BPF+CAP_PERFMON serving metrics.
image-test:
	bash tools/image-test.sh

## bench: map reads and scrapes against the C baseline (one run), HTTP under wrk, event drain against C.
bench: build
	bash bench/map-read.sh
	bash bench/http.sh
	bash bench/drain.sh

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
