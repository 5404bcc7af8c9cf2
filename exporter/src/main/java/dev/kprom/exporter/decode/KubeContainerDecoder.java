package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kube_container}: the container id at the end of a Kubernetes cgroup path (from {@code cgroup}):
 * {@code .../cri-containerd-<64 hex>.scope}, {@code .../docker-<id>.scope}, {@code .../crio-<id>.scope} or
 * {@code .../pod<uid>/<id>} (cgroupfs driver). A path of another shape drops the series.
 */
public final class KubeContainerDecoder implements Decoder {
    static final Pattern CONTAINER = Pattern.compile("kubepods.*/(?:[a-z]+-(?:[a-z]+-)?)?([0-9a-f]{64})(?:\\.scope)?$");

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        Matcher m = CONTAINER.matcher(new String(in, StandardCharsets.UTF_8));
        return m.find() ? Ints.text(m.group(1)) : null;
    }
}
