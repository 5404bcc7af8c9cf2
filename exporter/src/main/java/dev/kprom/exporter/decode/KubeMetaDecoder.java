package dev.kprom.exporter.decode;

import dev.kprom.exporter.kube.ContainerInfo;
import dev.kprom.exporter.kube.KubeMetadata;
import dev.kprom.exporter.kube.PodDirectory;
import dev.kprom.exporter.kube.PodInfo;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * {@code kube_namespace}, {@code kube_pod_name}, {@code kube_container_name}, {@code kube_workload},
 * {@code kube_workload_kind}, {@code kube_pod_label} ({@code label: app}): what the node's pod cache says about the
 * pod (and container) of a cgroup path, as {@code cgroup} or {@code pid_cgroup} give it, in either cgroup driver's
 * layout (systemd: {@code kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope}; cgroupfs:
 * {@code kubepods/burstable/pod<uid>/<id>}; containerd, CRI-O and Docker ids alike). Outside a pod, or for a pod the
 * cache does not know (yet), the empty string: the series stays, as the host's.
 */
public final class KubeMetaDecoder implements Decoder {
    /** Which property a decoder yields. */
    public enum Property {
        NAMESPACE,
        POD_NAME,
        CONTAINER_NAME,
        WORKLOAD,
        WORKLOAD_KIND,
        POD_LABEL
    }

    private final Property property;
    private final String label;
    private final PodDirectory pods;

    /** {@code label}: the pod label {@link Property#POD_LABEL} yields; {@code pods}: null for the installed one. */
    public KubeMetaDecoder(Property property, String label, PodDirectory pods) {
        if (property == Property.POD_LABEL && (label == null || label.isBlank()))
            throw new IllegalArgumentException("label: kube_pod_label needs the pod label's name");
        this.property = property;
        this.label = label;
        this.pods = pods;
    }

    private PodDirectory pods() {
        return pods != null ? pods : KubeMetadata.directory();
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        String path = new String(in, StandardCharsets.UTF_8);
        PodDirectory directory = pods();
        Matcher c = KubeContainerDecoder.CONTAINER.matcher(path);
        Optional<ContainerInfo> container = c.find() ? directory.container(c.group(1)) : Optional.empty();
        String uid = container.map(ContainerInfo::podUid).orElse(null);
        if (uid == null) {
            Matcher p = KubePodDecoder.POD.matcher(path);
            if (p.find()) uid = p.group(1).replace('_', '-');
        }
        Optional<PodInfo> pod = uid == null ? Optional.empty() : directory.pod(uid);
        String value =
                switch (property) {
                    case NAMESPACE -> pod.map(PodInfo::namespace).orElse("");
                    case POD_NAME -> pod.map(PodInfo::name).orElse("");
                    case CONTAINER_NAME -> container.map(ContainerInfo::name).orElse("");
                    case WORKLOAD -> pod.map(PodInfo::workload).orElse("");
                    case WORKLOAD_KIND -> pod.map(PodInfo::workloadKind).orElse("");
                    case POD_LABEL -> pod.map(i -> i.labels().getOrDefault(label, ""))
                            .orElse("");
                };
        return Ints.text(value);
    }

    /** What the directory knows now: decoded values older than a change are decoded again. */
    @Override
    public long generation() {
        return pods().generation();
    }
}
