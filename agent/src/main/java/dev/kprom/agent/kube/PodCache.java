package dev.kprom.agent.kube;

import dev.kprom.exporter.kube.ContainerInfo;
import dev.kprom.exporter.kube.PodDirectory;
import dev.kprom.exporter.kube.PodInfo;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods of one node, watched through the API server (a list, then a watch; after an outage the client lists
 * again, backing off, and until then the last state stays): pod UID to namespace, name, workload and kept labels,
 * container id to pod and container name. Only what labels need is kept, at most {@code maxPods} pods; a deleted
 * pod stays {@code retentionNanos}, so that series of its last moments keep their labels.
 */
public final class PodCache implements PodDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodCache.class);

    private record Entry(PodInfo info, List<String> containers, boolean deleted, long deletedAt) {}

    private final KubernetesClient client;
    private final String node;
    private final List<String> keptLabels;
    private final int maxPods;
    private final long retentionNanos;
    private final LongSupplier clock;
    /** By UID; changed under this cache's lock, read without it. */
    private final Map<String, Entry> pods = new ConcurrentHashMap<>();

    private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong(1);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicBoolean outage = new AtomicBoolean();
    private SharedIndexInformer<Pod> informer;

    /**
     * A cache of {@code node}'s pods over a client of {@code config} that counts its failed requests (connections
     * refused or cut, error answers) in {@link #errors()}.
     */
    public PodCache(
            Config config, String node, List<String> keptLabels, int maxPods, long retentionNanos, LongSupplier clock) {
        this(null, config, node, keptLabels, maxPods, retentionNanos, clock);
    }

    private PodCache(
            KubernetesClient unused,
            Config config,
            String node,
            List<String> keptLabels,
            int maxPods,
            long retentionNanos,
            LongSupplier clock) {
        this.client = new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("kprom-errors", new Interceptor() {
                    @Override
                    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
                        errors.incrementAndGet();
                    }

                    @Override
                    public CompletableFuture<Boolean> afterFailure(
                            BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
                        errors.incrementAndGet();
                        return CompletableFuture.completedFuture(false);
                    }
                }))
                .build();
        this.node = node;
        this.keptLabels = List.copyOf(keptLabels);
        this.maxPods = maxPods;
        this.retentionNanos = retentionNanos;
        this.clock = clock;
    }

    /** Starts watching; waits up to {@code waitMillis} for the first list (an API server down does not stop kprom). */
    public PodCache start(long waitMillis) {
        informer = client.pods()
                .inAnyNamespace()
                .withField("spec.nodeName", node)
                .runnableInformer(0)
                .itemStore(new SlimPodStore(keptLabels));
        informer.exceptionHandler((started, error) -> {
            if (outage.compareAndSet(false, true)) { // once per outage; the retries, with backoff, at debug
                LOG.warn(
                        "pods of node {}: the API server failed ({}); keeping the last state, retrying",
                        node,
                        error.toString());
            } else {
                LOG.debug("pods of node {}: still failing ({})", node, error.toString());
            }
            return true; // keep retrying, with the client's backoff
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                put(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                put(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                deleted(pod);
            }
        });
        try {
            informer.start().toCompletableFuture().get(waitMillis, TimeUnit.MILLISECONDS);
            LOG.info("pods of node {}: {} known", node, size());
        } catch (Exception e) {
            LOG.warn(
                    "pods of node {}: no first list within {} ms ({}); labels fill in once it comes",
                    node,
                    waitMillis,
                    e.toString());
        }
        return this;
    }

    private synchronized void put(Pod pod) {
        String uid = pod.getMetadata().getUid();
        if (uid == null) return;
        if (pod.getSpec() != null && !node.equals(pod.getSpec().getNodeName())) return; // the selector's job, checked
        if (!pods.containsKey(uid) && live() >= maxPods) {
            expire();
            if (pods.size() >= maxPods) {
                refused.incrementAndGet();
                return;
            }
        }
        Map<String, String> labels = new HashMap<>();
        Map<String, String> all = pod.getMetadata().getLabels();
        for (String k : keptLabels) if (all != null && all.containsKey(k)) labels.put(k, all.get(k));
        String[] workload = Workloads.of(pod);
        PodInfo info = new PodInfo(
                pod.getMetadata().getNamespace(), pod.getMetadata().getName(), workload[0], workload[1], labels);
        List<String> ids = new ArrayList<>();
        PodStatus status = pod.getStatus();
        if (status != null) {
            for (List<ContainerStatus> list : List.of(
                    orEmpty(status.getContainerStatuses()),
                    orEmpty(status.getInitContainerStatuses()),
                    orEmpty(status.getEphemeralContainerStatuses()))) {
                for (ContainerStatus c : list) {
                    String id = containerId(c.getContainerID());
                    if (id != null) ids.add(id);
                    if (id != null) containers.put(id, new ContainerInfo(uid, c.getName()));
                }
            }
        }
        outage.set(false);
        Entry before = pods.put(uid, new Entry(info, ids, false, 0));
        if (before != null)
            before.containers().stream().filter(id -> !ids.contains(id)).forEach(containers::remove);
        // most updates are status changes labels never see: decoded labels stay valid through them
        if (before == null
                || before.deleted()
                || !before.info().equals(info)
                || !before.containers().equals(ids)) generation.incrementAndGet();
        expire();
    }

    private synchronized void deleted(Pod pod) {
        Entry e = pods.get(pod.getMetadata().getUid());
        if (e == null) return;
        pods.put(pod.getMetadata().getUid(), new Entry(e.info(), e.containers(), true, clock.getAsLong()));
        expire();
    }

    /** Forgets pods deleted longer ago than the retention. */
    private synchronized void expire() {
        long now = clock.getAsLong();
        boolean changed = pods.entrySet().removeIf(e -> {
            Entry v = e.getValue();
            if (!v.deleted() || now - v.deletedAt() < retentionNanos) return false;
            v.containers().forEach(containers::remove);
            return true;
        });
        if (changed) generation.incrementAndGet();
    }

    private synchronized long live() {
        return pods.values().stream().filter(e -> !e.deleted()).count();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** "containerd://abc" to "abc"; null for none (a container not started yet). */
    static String containerId(String id) {
        if (id == null || id.isBlank()) return null;
        int scheme = id.indexOf("://");
        return scheme < 0 ? id : id.substring(scheme + 3);
    }

    @Override
    public Optional<PodInfo> pod(String uid) {
        Entry e = pods.get(uid);
        return e == null ? Optional.empty() : Optional.of(e.info());
    }

    @Override
    public Optional<ContainerInfo> container(String id) {
        return Optional.ofNullable(containers.get(id));
    }

    @Override
    public long generation() {
        return generation.get();
    }

    /** Pods known now, deleted ones within their retention included. */
    public synchronized int size() {
        return pods.size();
    }

    /** Deleted pods kept for their retention. */
    public synchronized int deletedKept() {
        return (int) pods.values().stream().filter(Entry::deleted).count();
    }

    /** Failures of the API server seen (lists and watches). */
    public long errors() {
        return errors.get();
    }

    /** Pods left out, {@code max_pods} reached. */
    public long refused() {
        return refused.get();
    }

    /** Whether the first list has arrived and the watch runs. */
    public boolean watching() {
        return informer != null && informer.isWatching();
    }

    @Override
    public void close() {
        if (informer != null) informer.close();
        client.close();
    }
}
