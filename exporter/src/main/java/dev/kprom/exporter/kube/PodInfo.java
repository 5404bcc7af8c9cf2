package dev.kprom.exporter.kube;

import java.util.Map;

/**
 * What labels say about a pod: its namespace and name, the workload that owns it ({@code workloadKind}
 * "Deployment", "DaemonSet", "StatefulSet", "CronJob", "Job", or "Pod" for a bare pod, and its name), and the pod
 * labels kprom was told to keep.
 */
public record PodInfo(String namespace, String name, String workloadKind, String workload, Map<String, String> labels) {
    public PodInfo {
        labels = Map.copyOf(labels);
    }
}
