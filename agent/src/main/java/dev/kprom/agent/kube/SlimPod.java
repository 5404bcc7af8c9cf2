package dev.kprom.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What kprom reads of a pod as the API server sends it (many kilobytes of spec, status, annotations and managed
 * fields): its identity, node, labels, controlling owner, and the names and runtime ids of its started containers.
 */
record SlimPod(
        String uid,
        String namespace,
        String name,
        String node,
        String resourceVersion,
        Map<String, String> labels,
        String ownerKind,
        String ownerName,
        List<Container> containers) {

    /** A started container: its name in the pod and its runtime id, the scheme cut ("containerd://abc" → "abc"). */
    record Container(String name, String id) {}

    /** The pod in {@code pod} (a Pod object's JSON); its uid null when it has none. */
    static SlimPod of(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        Map<String, String> labels = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : meta.path("labels").properties())
            labels.put(e.getKey(), e.getValue().asText());
        JsonNode owner = null;
        for (JsonNode o : meta.path("ownerReferences")) {
            if (o.path("controller").asBoolean(false)) {
                owner = o;
                break;
            }
            if (owner == null) owner = o;
        }
        List<Container> containers = new ArrayList<>();
        JsonNode status = pod.path("status");
        for (String list : List.of("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")) {
            for (JsonNode c : status.path(list)) {
                String id = containerId(c.path("containerID").asText(null));
                if (id != null) containers.add(new Container(c.path("name").asText(), id));
            }
        }
        return new SlimPod(
                meta.path("uid").asText(null),
                meta.path("namespace").asText(""),
                meta.path("name").asText(""),
                pod.path("spec").path("nodeName").asText(null),
                meta.path("resourceVersion").asText(null),
                labels,
                owner == null ? null : owner.path("kind").asText(),
                owner == null ? null : owner.path("name").asText(),
                List.copyOf(containers));
    }

    /** "containerd://abc" to "abc"; null for none (a container not started yet). */
    static String containerId(String id) {
        if (id == null || id.isBlank()) return null;
        int scheme = id.indexOf("://");
        return scheme < 0 ? id : id.substring(scheme + 3);
    }
}
