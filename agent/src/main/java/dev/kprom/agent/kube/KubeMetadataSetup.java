package dev.kprom.agent.kube;

import dev.kprom.agent.config.KubernetesSpec;
import dev.kprom.exporter.kube.KubeMetadata;
import dev.kprom.exporter.self.SelfMetrics;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the node's pod cache where {@code kubernetes:} says so, and makes it what the {@code kube_*} decoders read. */
public final class KubeMetadataSetup {
    private static final Logger LOG = LoggerFactory.getLogger(KubeMetadataSetup.class);
    /** How long kprom's start waits for the first list of pods; past it, labels fill in when the list comes. */
    private static final long FIRST_LIST_MILLIS = 5_000;

    private KubeMetadataSetup() {}

    /**
     * The started cache, installed; null (and nothing installed) when inactive: outside a pod, or turned off.
     * The API server is found as in-cluster clients find it (service account token, KUBERNETES_SERVICE_HOST),
     * else through the kubeconfig ({@link ApiServer#discover}).
     */
    public static PodCache start(KubernetesSpec spec, Map<String, String> env, SelfMetrics self) {
        if (!spec.active(env)) {
            LOG.debug(
                    "Kubernetes metadata off (enabled: {}, in a pod: {})",
                    spec.enabled(),
                    env.containsKey("KUBERNETES_SERVICE_HOST"));
            return null;
        }
        String node = spec.node(env);
        if (node == null) {
            throw new IllegalStateException("kubernetes.enabled is true but kprom does not know its node: set"
                    + " kubernetes.node_name, or NODE_NAME (the chart sets it from the Downward API)");
        }
        ApiServer server;
        try {
            server = ApiServer.discover(env, ApiServer.SERVICE_ACCOUNT);
        } catch (IllegalStateException e) {
            if (!spec.enabled().equals("auto")) throw e;
            LOG.warn("Kubernetes metadata off: {}", e.getMessage()); // auto: a pod without a token is no fault
            return null;
        }
        PodCache cache = new PodCache(
                        server,
                        node,
                        spec.podLabels(),
                        spec.maxPods(),
                        spec.deletedRetentionSeconds() * 1_000_000_000L,
                        System::nanoTime)
                .start(FIRST_LIST_MILLIS);
        self.kube(cache::size, cache::errors, cache::watching, cache::refused);
        KubeMetadata.install(cache);
        LOG.info("Kubernetes metadata on: the pods of node {}", node);
        return cache;
    }
}
