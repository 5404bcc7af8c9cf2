package dev.kprom.exporter.kube;

/**
 * The directory the {@code kube_*} decoders read: the agent installs its pod cache when Kubernetes metadata is on;
 * until then, and outside Kubernetes, {@link PodDirectory#NONE}.
 */
public final class KubeMetadata {
    private static volatile PodDirectory directory = PodDirectory.NONE;

    private KubeMetadata() {}

    public static PodDirectory directory() {
        return directory;
    }

    /** Whether kprom watches pods here: labels of Kubernetes metadata exist only then. */
    public static boolean active() {
        return directory != PodDirectory.NONE;
    }

    public static void install(PodDirectory pods) {
        directory = pods == null ? PodDirectory.NONE : pods;
    }
}
