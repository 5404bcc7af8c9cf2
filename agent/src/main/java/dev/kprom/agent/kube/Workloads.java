package dev.kprom.agent.kube;

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
    static String[] of(SlimPod pod) {
        String kind = pod.ownerKind();
        String name = pod.ownerName();
        if (kind == null) return new String[] {"Pod", pod.name()};
        if ("ReplicaSet".equals(kind)) {
            String hash = pod.labels().get("pod-template-hash");
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
