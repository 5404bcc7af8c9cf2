package dev.kprom.agent.kube;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload owning a pod, from the pod alone (kprom may read pods and nothing else): a ReplicaSet named
 * {@code <deployment>-<pod-template-hash>} is its Deployment's, a Job named {@code <cronjob>-<schedule minute>} its
 * CronJob's; DaemonSets, StatefulSets and other owners are themselves; a pod of no owner is its own ("Pod").
 */
final class Workloads {
    /** CronJobs name their Jobs with the scheduled time in minutes since the epoch: 8 digits and more. */
    private static final Pattern CRON_JOB = Pattern.compile("(.+)-\\d{8,}");

    private Workloads() {}

    /** {kind, name} of the pod's workload. */
    static String[] of(Pod pod) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        OwnerReference owner = owners == null
                ? null
                : owners.stream()
                        .filter(o -> Boolean.TRUE.equals(o.getController()))
                        .findFirst()
                        .orElse(owners.isEmpty() ? null : owners.get(0));
        if (owner == null) return new String[] {"Pod", pod.getMetadata().getName()};
        String kind = owner.getKind();
        String name = owner.getName();
        if ("ReplicaSet".equals(kind)) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            String hash = labels == null ? null : labels.get("pod-template-hash");
            if (hash != null && name.endsWith("-" + hash))
                return new String[] {"Deployment", name.substring(0, name.length() - hash.length() - 1)};
        }
        if ("Job".equals(kind)) {
            Matcher m = CRON_JOB.matcher(name);
            if (m.matches()) return new String[] {"CronJob", m.group(1)};
        }
        return new String[] {kind, name};
    }
}
