package dev.kprom.exporter.kube;

import java.util.Optional;

/**
 * The pods of this node, by UID, and their containers, by container id (without the runtime's {@code
 * containerd://} prefix). {@link #generation()} changes whenever an answer may have: what was decoded before it
 * is decoded again.
 */
public interface PodDirectory {
    /** No pods: outside Kubernetes. */
    PodDirectory NONE = new PodDirectory() {
        @Override
        public Optional<PodInfo> pod(String uid) {
            return Optional.empty();
        }

        @Override
        public Optional<ContainerInfo> container(String id) {
            return Optional.empty();
        }

        @Override
        public long generation() {
            return 0;
        }
    };

    Optional<PodInfo> pod(String uid);

    Optional<ContainerInfo> container(String id);

    long generation();
}
