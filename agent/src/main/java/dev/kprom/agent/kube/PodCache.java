package dev.kprom.agent.kube;

import dev.kprom.exporter.kube.ContainerInfo;
import dev.kprom.exporter.kube.PodDirectory;
import dev.kprom.exporter.kube.PodInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods of one node, watched through the API server ({@link PodWatch}: a list, then a watch; after an outage a
 * new list, backing off, and until then the last state stays; pods gone from that list count as deleted): pod UID to namespace, name, workload and kept labels,
 * container id to pod and container name. Only what labels need is kept, at most {@code maxPods} pods; a deleted
 * pod stays {@code retentionNanos}, so that series of its last moments keep their labels.
 */
public final class PodCache implements PodDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodCache.class);

    private record Entry(PodInfo info, List<String> containers, boolean deleted, long deletedAt) {}

    private final PodWatch watch;
    private final String node;
    private final List<String> keptLabels;
    private final int maxPods;
    private final long retentionNanos;
    private final LongSupplier clock;
    /** By UID; changed under this cache's lock, read without it. */
    private final Map<String, Entry> pods = new ConcurrentHashMap<>();

    private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong(1);
    private final AtomicLong refused = new AtomicLong();
    /** Pods left out now (at most the node's pods): each counted once. */
    private final Set<String> refusedUids = new HashSet<>();

    /** A cache of {@code node}'s pods, read from {@code server}. */
    public PodCache(
            ApiServer server,
            String node,
            List<String> keptLabels,
            int maxPods,
            long retentionNanos,
            LongSupplier clock) {
        this.node = node;
        this.keptLabels = List.copyOf(keptLabels);
        this.maxPods = maxPods;
        this.retentionNanos = retentionNanos;
        this.clock = clock;
        this.watch = new PodWatch(server, node, new PodWatch.Events() {
            @Override
            public void listed(List<SlimPod> pods) {
                PodCache.this.listed(pods);
            }

            @Override
            public void put(SlimPod pod) {
                PodCache.this.put(pod);
            }

            @Override
            public void deleted(SlimPod pod) {
                PodCache.this.deleted(pod.uid());
            }
        });
    }

    /** Starts watching; waits up to {@code waitMillis} for the first list (an API server down does not stop kprom). */
    public PodCache start(long waitMillis) {
        try {
            if (watch.start(waitMillis)) LOG.info("pods of node {}: {} known", node, size());
            else
                LOG.warn("pods of node {}: no first list within {} ms; labels fill in once it comes", node, waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    /** A new list: its pods, and every pod it lacks deleted (gone while no watch ran). */
    private synchronized void listed(List<SlimPod> listed) {
        Set<String> uids = new HashSet<>();
        for (SlimPod pod : listed) {
            uids.add(pod.uid());
            put(pod);
        }
        for (String uid : List.copyOf(pods.keySet())) if (!uids.contains(uid)) deleted(uid);
        refusedUids.retainAll(uids);
    }

    private synchronized void put(SlimPod pod) {
        String uid = pod.uid();
        if (!node.equals(pod.node())) return; // the selector's job, checked
        if (!pods.containsKey(uid) && live() >= maxPods) {
            expire();
            if (pods.size() >= maxPods) {
                if (refusedUids.add(uid)) refused.incrementAndGet(); // counted once, however often it changes
                return;
            }
        }
        refusedUids.remove(uid);
        Map<String, String> labels = new HashMap<>();
        for (String k : keptLabels)
            if (pod.labels().containsKey(k)) labels.put(k, pod.labels().get(k));
        String[] workload = Workloads.of(pod);
        PodInfo info = new PodInfo(pod.namespace(), pod.name(), workload[0], workload[1], labels);
        List<String> ids = pod.containers().stream().map(SlimPod.Container::id).toList();
        pod.containers().forEach(c -> containers.put(c.id(), new ContainerInfo(uid, c.name())));
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

    private synchronized void deleted(String uid) {
        refusedUids.remove(uid);
        Entry e = pods.get(uid);
        if (e == null || e.deleted()) return;
        pods.put(uid, new Entry(e.info(), e.containers(), true, clock.getAsLong()));
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
        return watch.errors();
    }

    /** Pods left out, {@code max_pods} reached. */
    public long refused() {
        return refused.get();
    }

    /** Whether the first list has arrived and the watch runs. */
    public boolean watching() {
        return watch.watching();
    }

    @Override
    public void close() {
        watch.close();
    }
}
