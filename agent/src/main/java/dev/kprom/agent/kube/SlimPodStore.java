package dev.kprom.agent.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's store of pods, keeping of each only what labels and the informer need: name, namespace, UID,
 * resourceVersion, the kept labels (and pod-template-hash), owners, node, and container names and ids. A pod as the
 * API server sends it (annotations, managed fields, the whole spec and status) is many kilobytes; this is a few
 * hundred bytes.
 */
final class SlimPodStore implements ItemStore<Pod> {
    private final Map<String, Pod> pods = new ConcurrentHashMap<>();
    private final List<String> keptLabels;

    SlimPodStore(List<String> keptLabels) {
        this.keptLabels = List.copyOf(keptLabels);
    }

    @Override
    public String getKey(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    @Override
    public Pod put(String key, Pod pod) {
        return pods.put(key, slim(pod));
    }

    @Override
    public Pod remove(String key) {
        return pods.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return pods.keySet().stream();
    }

    @Override
    public Stream<Pod> values() {
        return pods.values().stream();
    }

    @Override
    public int size() {
        return pods.size();
    }

    @Override
    public Pod get(String key) {
        return pods.get(key);
    }

    private Pod slim(Pod pod) {
        ObjectMeta m = pod.getMetadata();
        Map<String, String> labels = new HashMap<>();
        if (m.getLabels() != null) {
            for (String k : keptLabels)
                if (m.getLabels().containsKey(k)) labels.put(k, m.getLabels().get(k));
            String hash = m.getLabels().get("pod-template-hash");
            if (hash != null) labels.put("pod-template-hash", hash);
        }
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName(m.getName())
                .withNamespace(m.getNamespace())
                .withUid(m.getUid())
                .withResourceVersion(m.getResourceVersion())
                .withLabels(labels)
                .withOwnerReferences(m.getOwnerReferences())
                .endMetadata()
                .withNewSpec()
                .withNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName())
                .endSpec();
        PodStatus s = pod.getStatus();
        if (s != null) {
            b.withNewStatus()
                    .withContainerStatuses(ids(s.getContainerStatuses()))
                    .withInitContainerStatuses(ids(s.getInitContainerStatuses()))
                    .withEphemeralContainerStatuses(ids(s.getEphemeralContainerStatuses()))
                    .endStatus();
        }
        return b.build();
    }

    private static List<ContainerStatus> ids(List<ContainerStatus> statuses) {
        if (statuses == null) return List.of();
        return statuses.stream()
                .map(c -> new ContainerStatusBuilder()
                        .withName(c.getName())
                        .withContainerID(c.getContainerID())
                        .build())
                .toList();
    }
}
