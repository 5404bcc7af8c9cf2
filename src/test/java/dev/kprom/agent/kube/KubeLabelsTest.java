package dev.kprom.agent.kube;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static dev.kprom.testing.TestPods.containerId;
import static dev.kprom.testing.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.exporter.decode.CgroupDecoder;
import dev.kprom.exporter.kube.KubeMetadata;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.KubeApiServer;
import dev.kprom.testing.LoadedProbes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes in cgroups laid out as kubelet lays them out, with either cgroup driver, counted by the execve,
 * syscalls and connect probe sets and labelled with their pod's namespace, name, container and workload from the
 * API server.
 */
@BpfTest
class KubeLabelsTest {
    private static final Path PROBES = Path.of("config/probes");
    private final List<Path> cgroups = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        KubeMetadata.install(null);
        for (int i = cgroups.size() - 1; i >= 0; i--) KernelEvents.removeCgroup(cgroups.get(i)); // deepest first
    }

    /** Creates {@code pod} on the API server; the pod as created (its UID given). */
    private static Pod create(KubernetesClient client, Pod pod) {
        return client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .resource(pod)
                .create();
    }

    /** A started cache of node-a's pods on {@code server}, installed as what the kube_* decoders read. */
    private static PodCache watch(KubeApiServer server) {
        PodCache cache = new PodCache(server.api(), "node-a", List.of(), 100, 0, System::nanoTime).start(10_000);
        KubeMetadata.install(cache);
        return cache;
    }

    /** Makes each directory of {@code path} below the cgroup v2 root, to be removed after. */
    private Path cgroup(String path) throws Exception {
        Path dir = CgroupDecoder.v2Root();
        for (String part : path.split("/")) {
            dir = dir.resolve(part);
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir);
                cgroups.add(dir);
            }
        }
        return dir;
    }

    /** Runs {@code shell} in cgroup {@code dir} (put there before it starts its work), where it execs /bin/true {@code n} times. */
    private static void execIn(Path shell, Path dir, int n) throws Exception {
        String loop = "i=0; while [ $i -lt " + n + " ]; do /bin/true; i=$((i + 1)); done"; // no command runs but true
        Process p = new ProcessBuilder(shell.toString(), "-c", "read go; " + loop).start();
        Files.writeString(dir.resolve("cgroup.procs"), Long.toString(p.pid()));
        p.getOutputStream().write('\n');
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void connectCallsFromAPodCarryItsLabels(@TempDir Path tmp) throws Exception {
        String comm = LoadedProbes.comm("kkc");
        Path bash = Files.copy(Path.of("/bin/bash"), tmp.resolve(comm));
        try (KubeApiServer server = new KubeApiServer();
                KubernetesClient client = server.client();
                ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Pod api = create(client, pod("shop", "api-0", "node-a", Map.of(), "StatefulSet", "api", containerId(21)));
            try (PodCache cache = watch(server)) {
                Path dir = cgroup("kubepods/burstable/pod" + api.getMetadata().getUid() + "/" + containerId(21));
                try (ProbeSet connect = loader().load(ConfigLoader.loadProbeSet("connect", PROBES))) {
                    int port = listener.getLocalPort();
                    String loop = "for i in 1 2 3 4; do (exec 3<>/dev/tcp/127.0.0.1/" + port + "); done";
                    Process p = new ProcessBuilder(bash.toString(), "-c", "read go; " + loop).start();
                    Files.writeString(dir.resolve("cgroup.procs"), Long.toString(p.pid()));
                    p.getOutputStream().write('\n');
                    p.getOutputStream().close();
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    String series = "kprom_connect_total{comm=\"" + comm + "\",container=\"app\",daddr=\"127.0.0.1\","
                            + "dport=\"" + port + "\",family=\"ipv4\",namespace=\"shop\",pod=\"api-0\"}";
                    await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(connect), series) == 4);
                }
            }
        }
    }

    @Test
    void anOomKilledProcessIsCountedUnderItsOwnPod(@TempDir Path tmp) throws Exception {
        String comm = LoadedProbes.comm("kko");
        try (KubeApiServer server = new KubeApiServer();
                KubernetesClient client = server.client()) {
            Pod etl = create(client, pod("batch", "etl-0", "node-a", Map.of(), "StatefulSet", "etl", containerId(41)));
            try (PodCache cache = watch(server)) {
                Path dir = cgroup("kubepods/burstable/pod" + etl.getMetadata().getUid() + "/" + containerId(41));
                try (ProbeSet oomkill = loader().load(ConfigLoader.loadProbeSet("oomkill", PROBES))) {
                    KernelEvents.oomKill(tmp, comm, dir); // the victim's memory cgroup is v1's here, its pod v2's
                    String series = "kprom_oom_kills_total{comm=\"" + comm
                            + "\",container=\"app\",namespace=\"batch\",pod=\"etl-0\"}";
                    await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(oomkill), series) == 1);
                    assertThat(scrape(oomkill).lines().filter(l -> l.contains(comm)))
                            .hasSize(1);
                }
            }
        }
    }

    @Test
    void exitsAndFailedSyscallsOfAPodCarryItsLabels(@TempDir Path tmp) throws Exception {
        String comm = LoadedProbes.comm("kkx");
        Path shell = Files.copy(Path.of("/bin/sh"), tmp.resolve(comm));
        try (KubeApiServer server = new KubeApiServer();
                KubernetesClient client = server.client()) {
            Pod worker = create(
                    client, pod("jobs", "worker-0", "node-a", Map.of(), "StatefulSet", "worker", containerId(51)));
            try (PodCache cache = watch(server)) {
                Path dir = cgroup("kubepods/pod" + worker.getMetadata().getUid() + "/" + containerId(51));
                try (ProbeSet exits = loader().load(ConfigLoader.loadProbeSet("process_exits", PROBES));
                        ProbeSet errors = loader().load(ConfigLoader.loadProbeSet("syscall_errors", PROBES))) {
                    // three subshells exit with 3; the shell fails one chdir() (ENOENT), then exits with 0
                    Process p = new ProcessBuilder(
                                    shell.toString(),
                                    "-c",
                                    "read go; for i in 1 2 3; do (exit 3); done; cd /kprom-no-such-dir 2>/dev/null;"
                                            + " true")
                            .start();
                    Files.writeString(dir.resolve("cgroup.procs"), Long.toString(p.pid()));
                    p.getOutputStream().write('\n');
                    p.getOutputStream().close();
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    String pod = "container=\"app\",namespace=\"jobs\",pod=\"worker-0\"";
                    String failed =
                            "kprom_process_exits_total{comm=\"" + comm + "\"," + pod + ",signal=\"0\",status=\"3\"}";
                    await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(exits), failed) == 3);
                    assertThat(value(
                                    scrape(exits),
                                    "kprom_process_exits_total{comm=\"" + comm + "\"," + pod
                                            + ",signal=\"0\",status=\"0\"}"))
                            .isEqualTo(1);
                    String chdir = "kprom_syscall_errors_total{comm=\"" + comm + "\",container=\"app\","
                            + "errno=\"ENOENT\",namespace=\"jobs\",pod=\"worker-0\",syscall=\"chdir\"}";
                    assertThat(value(scrape(errors), chdir)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void processesInPodCgroupsOfEitherDriverAreCountedWithTheirPodsLabels(@TempDir Path tmp) throws Exception {
        String comm = LoadedProbes.comm("kke");
        Path shell = Files.copy(Path.of("/bin/sh"), tmp.resolve(comm));
        try (KubeApiServer server = new KubeApiServer();
                KubernetesClient client = server.client()) {
            Pod web = create(
                    client,
                    pod(
                            "shop",
                            "web-5c8d7-q2x9z",
                            "node-a",
                            Map.of("app", "web", "pod-template-hash", "5c8d7"),
                            "ReplicaSet",
                            "web-5c8d7",
                            containerId(11)));
            Pod job = create(
                    client, pod("batch", "reindex-x7k2p", "node-a", Map.of(), "Job", "reindex", containerId(12)));
            String webUid = web.getMetadata().getUid();
            String jobUid = job.getMetadata().getUid();
            try (PodCache cache = watch(server)) {
                Path systemd = cgroup("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                        + webUid.replace('-', '_') + ".slice/cri-containerd-" + containerId(11) + ".scope");
                Path cgroupfs = cgroup("kubepods/besteffort/pod" + jobUid + "/" + containerId(12));
                try (ProbeSet execve = loader().load(ConfigLoader.loadProbeSet("execve", PROBES));
                        ProbeSet syscalls = loader().load(ConfigLoader.loadProbeSet("syscalls", PROBES))) {
                    execIn(shell, systemd, 3);
                    execIn(shell, cgroupfs, 5);
                    // cgroups made within a second of the last scan of the tree are found at a scrape past it
                    String webSeries = "kprom_execve_total{comm=\"" + comm + "\",container=\"app\","
                            + "namespace=\"shop\",pod=\"web-5c8d7-q2x9z\",uid=\"0\",workload=\"web\"}";
                    await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(execve), webSeries) == 3);
                    String text = scrape(execve);
                    assertThat(value(
                                    text,
                                    "kprom_execve_total{comm=\"" + comm + "\",container=\"app\","
                                            + "namespace=\"shop\",pod=\"web-5c8d7-q2x9z\",uid=\"0\",workload=\"web\"}"))
                            .isEqualTo(3);
                    assertThat(
                                    value(
                                            text,
                                            "kprom_execve_total{comm=\"" + comm + "\",container=\"app\","
                                                    + "namespace=\"batch\",pod=\"reindex-x7k2p\",uid=\"0\",workload=\"reindex\"}"))
                            .isEqualTo(5);
                    assertThat(text.lines().filter(l -> l.contains("comm=\"" + comm + "\"")))
                            .hasSize(2);
                    // the same execve() calls, seen by the syscalls probe set, as labelled
                    String calls = "kprom_syscalls_total{comm=\"" + comm + "\",container=\"app\","
                            + "namespace=\"shop\",pod=\"web-5c8d7-q2x9z\",syscall=\"execve\"}";
                    await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(syscalls), calls) == 3);
                }
            }
        }
        // outside Kubernetes (no pod cache) the same probe set labels by uid and comm alone
        KubeMetadata.install(null);
        try (ProbeSet execve = loader().load(ConfigLoader.loadProbeSet("execve", PROBES))) {
            execIn(shell, cgroup("kubepods/besteffort/podffffffff-0000-4000-8000-000000000000"), 2);
            assertThat(value(scrape(execve), "kprom_execve_total{comm=\"" + comm + "\",uid=\"0\"}"))
                    .isEqualTo(2);
        }
    }
}
