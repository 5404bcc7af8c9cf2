package dev.kprom.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;

/** Pods as kubelet reports them, for the API server emulation ({@link KubeApiServer}). */
public final class TestPods {
    private TestPods() {}

    /** A pod of one container "app" (id {@code containerId}) on {@code node}; an owner when {@code ownerKind} is set. */
    public static Pod pod(
            String ns,
            String name,
            String node,
            Map<String, String> labels,
            String ownerKind,
            String ownerName,
            String containerId) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("app")
                .withImage("x")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withContainerStatuses(new ContainerStatusBuilder()
                        .withName("app")
                        .withContainerID("containerd://" + containerId)
                        .build())
                .endStatus();
        if (ownerKind != null) {
            b.editMetadata()
                    .addNewOwnerReference()
                    .withKind(ownerKind)
                    .withName(ownerName)
                    .withController(true)
                    .withApiVersion("apps/v1")
                    .withUid("owner-" + name)
                    .endOwnerReference()
                    .endMetadata();
        }
        return b.build();
    }

    public static String containerId(int i) {
        return String.format("%064x", i);
    }
}
