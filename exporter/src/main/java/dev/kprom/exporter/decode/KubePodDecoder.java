package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kube_pod}: the pod UID in a Kubernetes cgroup path (from {@code cgroup}), e.g.
 * {@code /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f1b..._9a.slice/cri-containerd-ab12.scope}
 * gives {@code 3f1b...-9a}; systemd's underscores become the UID's dashes. A path of another shape drops the series.
 */
public final class KubePodDecoder implements Decoder {
    static final Pattern POD =
            Pattern.compile("pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})");

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        Matcher m = POD.matcher(new String(in, StandardCharsets.UTF_8));
        return m.find() ? Ints.text(m.group(1).replace('_', '-')) : null;
    }
}
