package dev.kprom.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.kube.ApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;

/**
 * fabric8's API server emulation in CRUD mode (objects stored, lists and watches served as a real API server serves
 * them, over HTTP on loopback), taught the one field selector kprom uses: {@code spec.nodeName} of pods, which a
 * real API server indexes and the emulation leaves out.
 */
public final class KubeApiServer implements AutoCloseable {
    private final KubernetesMockServer server;

    public KubeApiServer() {
        this(0);
    }

    /** A server on loopback port {@code port} (0: any free one), as a restarted API server comes back. */
    public KubeApiServer(int port) {
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
        NodeNameExtractor nodeNames = new NodeNameExtractor();
        try { // the dispatcher and its superclass each keep the extractor they were built with
            Field own = KubernetesCrudDispatcher.class.getDeclaredField("kubernetesAttributesExtractor");
            own.setAccessible(true);
            own.set(dispatcher, nodeNames);
            Field inherited = CrudDispatcher.class.getDeclaredField("attributeExtractor");
            inherited.setAccessible(true);
            inherited.set(dispatcher, nodeNames);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8's CRUD dispatcher changed: " + e, e);
        }
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
    }

    public int port() {
        return server.getPort();
    }

    /** This server as kprom reaches it (plain HTTP on loopback, no credentials). */
    public ApiServer api() {
        return ApiServer.anonymous(URI.create("http://127.0.0.1:" + port()));
    }

    /** A new client of this server (the caller closes it). */
    public KubernetesClient client() {
        return server.createClient();
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** Pods carry their node as an attribute, so that a {@code fieldSelector=spec.nodeName=...} matches them. */
    private static final class NodeNameExtractor extends KubernetesAttributesExtractor {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public AttributeSet extract(HasMetadata resource) {
            AttributeSet attributes = super.extract(resource);
            if (!"Pod".equals(resource.getKind())) return attributes;
            return withNode(attributes, JSON.valueToTree(resource)); // stored as a generic resource: its JSON
        }

        @Override
        public AttributeSet fromResource(String resource) {
            AttributeSet attributes = super.fromResource(resource);
            try {
                JsonNode node = JSON.readTree(resource);
                return "Pod".equals(node.path("kind").asText()) ? withNode(attributes, node) : attributes;
            } catch (IOException e) {
                return attributes; // not JSON: as the emulation has it
            }
        }

        private static AttributeSet withNode(AttributeSet attributes, JsonNode pod) {
            JsonNode node = pod.path("spec").path("nodeName");
            return node.isTextual() ? attributes.add(new Attribute("spec.nodeName", node.asText())) : attributes;
        }
    }
}
