package dev.kprom.agent.kube;

import static dev.kprom.testing.TestPods.containerId;
import static dev.kprom.testing.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kprom.exporter.kube.ContainerInfo;
import dev.kprom.exporter.kube.PodInfo;
import dev.kprom.testing.KubeApiServer;
import dev.kprom.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pod cache against fabric8's API server emulation in CRUD mode, through the list and watch requests a real
 * API server serves: pods created, relabelled, deleted, on this node and another, and an outage of several seconds
 * (a proxy between kprom and the server cut, then restored) during which pods come and go.
 */
class PodCacheTest {
    private final AtomicLong clock = new AtomicLong();
    private KubeApiServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubeApiServer();
        client = server.client();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    /** Creates {@code pod}; the UID the server gave it. */
    private String create(Pod pod) {
        return client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .resource(pod)
                .create()
                .getMetadata()
                .getUid();
    }

    /** Sets label {@code key} of pod {@code name} (namespace shop) to {@code value}. */
    private void label(String name, String key, String value) {
        client.pods().inNamespace("shop").withName(name).edit(p -> new PodBuilder(p)
                .editMetadata()
                .addToLabels(key, value)
                .endMetadata()
                .build());
    }

    /** A cache of node-a's pods through {@code api}. */
    private static PodCache cache(ApiServer api, AtomicLong clock) {
        return new PodCache(api, "node-a", List.of("app"), 100, 60_000_000_000L, clock::get).start(10_000);
    }

    @Test
    void knowsTheNodesPodsTheirWorkloadsContainersAndLabelsAsTheyChange() {
        String web = create(pod(
                "shop",
                "web-7d9f8-x2x",
                "node-a",
                Map.of("app", "web", "pod-template-hash", "7d9f8", "tier", "front"),
                "ReplicaSet",
                "web-7d9f8",
                containerId(1)));
        String backup = create(
                pod("ops", "backup-29012345-abcde", "node-a", Map.of(), "Job", "backup-29012345", containerId(2)));
        String elsewhere = create(pod("shop", "elsewhere", "node-b", Map.of(), null, null, containerId(3)));
        AtomicLong clock = new AtomicLong();
        try (PodCache cache = cache(server.api(), clock)) {
            assertThat(cache.pod(web))
                    .contains(new PodInfo("shop", "web-7d9f8-x2x", "Deployment", "web", Map.of("app", "web")));
            assertThat(cache.pod(backup))
                    .contains(new PodInfo("ops", "backup-29012345-abcde", "CronJob", "backup", Map.of()));
            assertThat(cache.pod(elsewhere)).isEmpty(); // another node's
            assertThat(cache.container(containerId(1))).contains(new ContainerInfo(web, "app"));
            assertThat(cache.size()).isEqualTo(2);

            long before = cache.generation();
            label("web-7d9f8-x2x", "app", "web-v2");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> cache.pod(web).map(i -> i.labels().get("app")), Optional.of("web-v2")::equals);
            assertThat(cache.generation()).isGreaterThan(before);
            long relabelled = cache.generation();
            label("web-7d9f8-x2x", "tier", "back"); // a label kprom does not keep: nothing to decode again
            label("web-7d9f8-x2x", "app", "web-v3");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> cache.pod(web).map(i -> i.labels().get("app")), Optional.of("web-v3")::equals);
            assertThat(cache.generation()).isEqualTo(relabelled + 1); // the app change only, seen in order

            client.pods().inNamespace("ops").withName("backup-29012345-abcde").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.deletedKept() == 1);
            assertThat(cache.pod(backup)).isPresent(); // kept for the retention: series of its last moments
            clock.addAndGet(61_000_000_000L);
            String bare = create(pod("shop", "bare", "node-a", Map.of(), null, null, containerId(4))); // expiry runs
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.pod(bare).isPresent());
            assertThat(cache.pod(backup)).isEmpty();
            assertThat(cache.container(containerId(2))).isEmpty();
            assertThat(cache.pod(bare)).contains(new PodInfo("shop", "bare", "Pod", "bare", Map.of()));
            assertThat(cache.errors()).isZero();
        }
    }

    @Test
    void podsPastMaxPodsAreLeftOutAndCounted() {
        String first = create(pod("shop", "a", "node-a", Map.of(), null, null, containerId(31)));
        create(pod("shop", "b", "node-a", Map.of(), null, null, containerId(32)));
        try (PodCache cache = new PodCache(server.api(), "node-a", List.of(), 1, 0, System::nanoTime).start(10_000)) {
            assertThat(cache.size()).isEqualTo(1);
            assertThat(cache.refused()).isEqualTo(1);
            client.pods()
                    .inNamespace("shop")
                    .withName(cache.pod(first).isPresent() ? "a" : "b")
                    .delete();
            // the deleted pod's place frees once its retention (0 here) ends, at the next change
            String third = create(pod("shop", "c", "node-a", Map.of(), null, null, containerId(33)));
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.pod(third).isPresent());
            assertThat(cache.size()).isEqualTo(1);
        }
    }

    @Test
    void anOutageKeepsTheLastStateCountsErrorsAndCatchesUpAfter() throws Exception {
        String api = create(pod("shop", "api", "node-a", Map.of("app", "api"), "DaemonSet", "api", containerId(5)));
        String gone = create(pod("shop", "gone", "node-a", Map.of(), null, null, containerId(7)));
        try (TcpProxy proxy = new TcpProxy(server.port());
                PodCache cache = cache(ApiServer.anonymous(URI.create("http://127.0.0.1:" + proxy.port())), clock)) {
            assertThat(cache.pod(api)).contains(new PodInfo("shop", "api", "DaemonSet", "api", Map.of("app", "api")));
            proxy.cut(); // the API server out of reach, the watch cut with it
            client.pods().inNamespace("shop").withName("gone").delete(); // meanwhile: one pod deleted, one started
            String late = create(pod("shop", "late", "node-a", Map.of(), null, null, containerId(6)));
            Thread.sleep(4_000);
            assertThat(cache.pod(api)).isPresent(); // the last state stays
            assertThat(cache.pod(late)).isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> cache.errors() > 0);
            assertThat(cache.watching()).isFalse();
            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> cache.pod(late).isPresent());
            assertThat(cache.container(containerId(6))).contains(new ContainerInfo(late, "app"));
            await().atMost(Duration.ofSeconds(10)).until(cache::watching);
            assertThat(cache.deletedKept()).isEqualTo(1); // gone from the new list: deleted, kept for its retention
            assertThat(cache.pod(gone)).isPresent();
            clock.addAndGet(61_000_000_000L);
            client.pods().inNamespace("shop").withName("late").delete(); // any change runs the expiry
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.pod(gone).isEmpty());
            assertThat(cache.pod(api)).isPresent();
        }
    }
}
