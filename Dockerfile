# kprom's image. The build stage has the BPF toolchain, a JDK and Maven, and builds the probes, the jar and a
# small Java runtime (jlink); the runtime stage has only that runtime and libbpf1: no compiler, no JDK.
# Both bases are build arguments, so the image also builds from a local base where no registry is reachable:
#   buildah bud --isolation chroot --build-arg BUILD_IMAGE=localhost/base --build-arg RUNTIME_IMAGE=localhost/base .
# (make image-test does that with a Debian base made by debootstrap.) Run it with CAP_BPF and CAP_PERFMON and
# the host's /sys/kernel/tracing and /sys/kernel/btf mounted (see helm/kprom); config/ is baked in at /etc/kprom
# and a directory mounted there replaces it.
ARG BUILD_IMAGE=docker.io/library/debian:12
ARG RUNTIME_IMAGE=docker.io/library/debian:12-slim

FROM ${BUILD_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
         clang llvm libbpf-dev bpftool openjdk-17-jdk-headless maven make ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml Makefile ./
COPY probes probes
COPY agent agent
COPY exporter exporter
COPY config config
COPY src/main src/main
COPY bin bin
COPY tools/cds-archive.sh tools/
# The pom runs `make probes` (vmlinux.h comes from the build host's /sys/kernel/btf/vmlinux; CO-RE makes the
# objects portable across kernels). Tests need root and a kernel: they run in `make test`, not here.
# MAVEN_OPTS: e.g. a trust store, behind a TLS-intercepting proxy.
ARG MAVEN_OPTS=""
RUN MAVEN_OPTS="$MAVEN_OPTS" mvn -B -q -Dmaven.test.skip=true package
# The modules kprom uses (Netty, JNA, Jackson, logback, Micrometer's process metrics, TLS with EC keys).
# --generate-cds-archive: the runtime's own class data archive, which kprom's archive (made next, by a
# check-config training run of that runtime: no BPF here) extends. bin/kprom ignores an unusable one.
RUN jlink --add-modules java.base,java.logging,java.management,jdk.management,java.naming,java.xml,java.desktop,java.sql,jdk.unsupported,jdk.crypto.ec,java.net.http \
      --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive --output /opt/java \
    && (bash tools/cds-archive.sh /opt/java/bin/java target/kprom.jar config/kprom.yaml || true) \
    && touch target/kprom.jsa

FROM ${RUNTIME_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libbpf1 pci.ids \
    && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY --from=build /opt/java /opt/java
COPY --from=build /src/target/kprom.jar /src/target/kprom.jsa /opt/kprom/
COPY bin/kprom /opt/kprom/bin/kprom
COPY config /etc/kprom
ENV PATH=/opt/java/bin:$PATH
EXPOSE 9436
# The launcher holds the JVM settings (the same as make run's; README.md#footprint says why each);
# KPROM_JAVA_OPTS adds to them (-Xmx512m for very large maps, say).
ENTRYPOINT ["/opt/kprom/bin/kprom"]
CMD ["--config", "/etc/kprom/kprom.yaml"]
