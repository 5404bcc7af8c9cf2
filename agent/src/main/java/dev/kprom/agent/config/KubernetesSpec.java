package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code kubernetes:} in kprom.yaml: the pod metadata the {@code kube_*} decoders label series with. kprom watches
 * the pods of its own node ({@code node_name}, default the {@code NODE_NAME} variable the chart sets from the
 * Downward API) through the API server with its service account. {@code enabled: auto} (the default) turns it on
 * inside a pod (where {@code KUBERNETES_SERVICE_HOST} is set) with a node name, and leaves it off, silently,
 * elsewhere. {@code pod_labels}: pod labels kept for {@code kube_pod_label}; {@code max_pods}: pods kept at most
 * (deleted pods stay {@code deleted_retention_seconds}, so that series of their last moments keep their labels).
 * <pre>
 * kubernetes:
 *   enabled: auto            # true, false or auto
 *   node_name: worker-3      # default: $NODE_NAME
 *   pod_labels: [app, app.kubernetes.io/name]
 *   max_pods: 1000
 *   deleted_retention_seconds: 300
 * </pre>
 */
public record KubernetesSpec(
        String enabled,
        @JsonProperty("node_name") String nodeName,
        @JsonProperty("pod_labels") List<String> podLabels,
        @JsonProperty("max_pods") Integer maxPods,
        @JsonProperty("deleted_retention_seconds") Integer deletedRetentionSeconds) {
    public static final KubernetesSpec DEFAULT = new KubernetesSpec(null, null, null, null, null);

    public KubernetesSpec {
        enabled = enabled == null ? "auto" : enabled;
        podLabels = podLabels == null ? List.of() : List.copyOf(podLabels);
        maxPods = maxPods == null ? 1000 : maxPods;
        deletedRetentionSeconds = deletedRetentionSeconds == null ? 300 : deletedRetentionSeconds;
    }

    /** The node whose pods to watch: node_name, else $NODE_NAME; null when neither says. */
    public String node(Map<String, String> env) {
        if (nodeName != null && !nodeName.isBlank()) return nodeName;
        String fromEnv = env.get("NODE_NAME");
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
    }

    /** Whether to watch pods here: on when asked, or (auto) inside a pod that knows its node. */
    public boolean active(Map<String, String> env) {
        return switch (enabled) {
            case "true" -> true;
            case "false" -> false;
            default -> env.containsKey("KUBERNETES_SERVICE_HOST") && node(env) != null;
        };
    }

    /** Problems with these settings alone, as (field, message). */
    void check(Problems problems) {
        if (!List.of("auto", "true", "false").contains(enabled))
            problems.add("kubernetes.enabled", "must be auto, true or false (got " + enabled + ")");
        if (maxPods < 1) problems.add("kubernetes.max_pods", "must be >= 1 (got " + maxPods + ")");
        if (deletedRetentionSeconds < 0)
            problems.add("kubernetes.deleted_retention_seconds", "must be >= 0 (got " + deletedRetentionSeconds + ")");
    }
}
