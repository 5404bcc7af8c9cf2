import dev.kprom.testing.KubeApiServer;
import dev.kprom.testing.TestPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * An API server for bench/kube-metadata.sh: fabric8's emulation (as the tests use it) holding PODS pods on node-a,
 * each of a Deployment's ReplicaSet with labels and one container, and as many on node-b (which kprom must not
 * keep). Prints "port N" once they exist, then serves until its stdin closes.
 *
 *   java -cp target/test-classes:target/classes:<test classpath> bench/java/KubeApiBench.java [pods]
 */
public final class KubeApiBench {
    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        try (KubeApiServer server = new KubeApiServer();
                KubernetesClient client = server.client()) {
            for (String node : new String[] {"node-a", "node-b"}) {
                for (int i = 0; i < pods; i++) {
                    String ns = "team-" + (i % 20);
                    String deployment = "svc-" + i / 5;
                    String hash = Integer.toHexString(0x5c8d7000 + i / 5);
                    String name = deployment + "-" + hash + "-" + node.charAt(5) + i;
                    client.pods()
                            .inNamespace(ns)
                            .resource(TestPods.pod(
                                    ns,
                                    name,
                                    node,
                                    Map.of(
                                            "app",
                                            deployment,
                                            "pod-template-hash",
                                            hash,
                                            "tier",
                                            "backend",
                                            "app.kubernetes.io/version",
                                            "1.2." + i),
                                    "ReplicaSet",
                                    deployment + "-" + hash,
                                    TestPods.containerId(node.equals("node-a") ? i : 100_000 + i)))
                            .create();
                }
            }
            System.out.println("port " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the bench closes our stdin
            }
        }
    }
}
