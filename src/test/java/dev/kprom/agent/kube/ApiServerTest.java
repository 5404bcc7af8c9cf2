package dev.kprom.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kprom.exporter.kube.PodInfo;
import dev.kprom.testing.Openssl;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How kprom finds and reaches the API server: a pod's service account (token re-read at each request, the cluster's
 * CA trusted and nothing else) against a real HTTPS server on loopback, and kubeconfigs, refused by name where kprom
 * cannot follow them.
 */
class ApiServerTest {
    private static final String LIST =
            """
            {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[
             {"metadata":{"name":"web-0","namespace":"shop","uid":"u-1","resourceVersion":"7","labels":{"app":"web"},
              "ownerReferences":[{"kind":"StatefulSet","name":"web","controller":true}],
              "annotations":{"big":"ignored"},"managedFields":[{"manager":"kubelet"}]},
              "spec":{"nodeName":"node-a","containers":[{"name":"app","image":"x"}]},
              "status":{"phase":"Running","containerStatuses":[{"name":"app","containerID":"cri-o://abc"}]}}]}""";

    @TempDir
    Path dir;

    private HttpsServer server;
    /** The Authorization headers the server was sent. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private void selfSigned(String name) throws Exception {
        Openssl.selfSigned(dir, name);
        Openssl.run(
                dir,
                "pkcs12",
                "-export",
                "-in",
                name + ".crt",
                "-inkey",
                name + ".key",
                "-out",
                name + ".p12",
                "-passout",
                "pass:test");
    }

    /** An API server on loopback serving {@link #LIST} to "Bearer {@code token}" (401 to others), over TLS. */
    private int serve(String name, Path token) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(dir.resolve(name + ".p12").toFile())) {
            keys.load(in, "test".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "test".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/api/v1/pods", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(String.valueOf(auth));
            boolean ok = ("Bearer " + Files.readString(token).strip()).equals(auth)
                    && exchange.getRequestURI().getRawQuery().startsWith("fieldSelector=spec.nodeName%3Dnode-a");
            if (ok && !exchange.getRequestURI().getRawQuery().contains("watch=true")) answer(exchange, 200, LIST);
            else if (ok) answer(exchange, 400, "{\"kind\":\"Status\",\"message\":\"no WebSocket here\"}");
            else answer(exchange, 401, "{\"kind\":\"Status\",\"code\":401,\"message\":\"Unauthorized\"}");
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** A service account directory as kubelet mounts it: token, and ca.crt the CA of {@code ca}. */
    private Path serviceAccount(String token, String ca) throws IOException {
        Path sa = Files.createDirectories(dir.resolve("sa"));
        Files.writeString(sa.resolve("token"), token + "\n");
        Files.copy(dir.resolve(ca + ".crt"), sa.resolve("ca.crt"));
        return sa;
    }

    /** A cache of node-a's pods, waiting {@code millis} for its first list. */
    private static PodCache cache(ApiServer api, long millis) {
        return new PodCache(api, "node-a", List.of("app"), 10, 0, System::nanoTime).start(millis);
    }

    @Test
    void inAPodTheServiceAccountTokenIsSentOverTlsToTheClustersCaAndReadAgainWhenKubeletRotatesIt() throws Exception {
        selfSigned("apiserver");
        Path sa = serviceAccount("first", "apiserver");
        int port = serve("apiserver", sa.resolve("token"));
        ApiServer api = ApiServer.discover(
                Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", Integer.toString(port)), sa);
        assertThat(api.base()).hasToString("https://127.0.0.1:" + port);
        try (PodCache cache = cache(api, 10_000)) {
            assertThat(cache.pod("u-1"))
                    .contains(new PodInfo("shop", "web-0", "StatefulSet", "web", Map.of("app", "web")));
            assertThat(cache.container("abc")).isPresent();
            assertThat(seen).containsExactly("Bearer first");
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.errors() > 0); // this server has no watches
            assertThat(cache.watching()).isFalse();
            Files.writeString(sa.resolve("token"), "second"); // rotated in place; the server wants the new one
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("Bearer second"));
            assertThat(cache.pod("u-1")).isPresent();
        }
    }

    @Test
    void aServerTheClustersCaDidNotSignIsNotSpokenTo() throws Exception {
        selfSigned("apiserver");
        selfSigned("impostor");
        Path sa = serviceAccount("t", "apiserver");
        int port = serve("impostor", sa.resolve("token"));
        ApiServer api = ApiServer.discover(
                Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", Integer.toString(port)), sa);
        try (PodCache cache = cache(api, 0)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.errors() > 0);
            assertThat(seen).isEmpty(); // no request got through the handshake
            assertThat(cache.size()).isZero();
        }
    }

    @Test
    void aRefusedTokenIsCountedAndNothingIsKnown() throws Exception {
        selfSigned("apiserver");
        Path sa = serviceAccount("wrong", "apiserver");
        Path expected = Files.writeString(dir.resolve("expected"), "right");
        int port = serve("apiserver", expected);
        ApiServer api = ApiServer.discover(
                Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", Integer.toString(port)), sa);
        try (PodCache cache = cache(api, 0)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.errors() >= 2); // retried, backing off
            assertThat(seen).containsExactly("Bearer wrong");
            assertThat(cache.size()).isZero();
        }
    }

    @Test
    void inAPodWithoutATokenSaysWhatIsMissing() {
        assertThatThrownBy(() -> ApiServer.discover(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), dir))
                .hasMessage("in a pod (KUBERNETES_SERVICE_HOST=10.96.0.1) but no service account token at "
                        + dir.resolve("token") + ": set automountServiceAccountToken (the chart does when"
                        + " config.kubernetesMetadata is on)");
    }

    @Test
    void anIpv6ServiceAddressIsBracketed() throws Exception {
        selfSigned("apiserver");
        Path sa = serviceAccount("t", "apiserver");
        assertThat(ApiServer.discover(Map.of("KUBERNETES_SERVICE_HOST", "fd00::1"), sa)
                        .base())
                .hasToString("https://[fd00::1]:443");
    }

    private Path kubeconfig(String user) throws IOException {
        return Files.writeString(
                dir.resolve("config"),
                """
                apiVersion: v1
                kind: Config
                current-context: dev
                contexts: [{name: dev, context: {cluster: c1, user: u1}}]
                clusters: [{name: c1, cluster: {server: "https://127.0.0.1:6443/", certificate-authority-data: %s}}]
                users: [{name: u1, user: %s}]
                """
                        .formatted(
                                Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("apiserver.crt"))),
                                user));
    }

    @Test
    void aKubeconfigGivesTheCurrentContextsServerCaAndToken() throws Exception {
        selfSigned("apiserver");
        ApiServer api = ApiServer.discover(
                Map.of("KUBECONFIG", kubeconfig("{token: abc}").toString()), dir);
        assertThat(api.base()).hasToString("https://127.0.0.1:6443");
        assertThat(api.authorization()).isEqualTo("Bearer abc");
        assertThat(api.ssl()).isNotNull();
        Files.writeString(dir.resolve("tok"), "from-file\n");
        ApiServer fromFile = ApiServer.discover(
                Map.of("KUBECONFIG", kubeconfig("{tokenFile: tok}").toString()), dir);
        assertThat(fromFile.authorization()).isEqualTo("Bearer from-file"); // relative to the kubeconfig
    }

    @Test
    void aKubeconfigKpromCannotFollowIsRefusedByName() throws Exception {
        selfSigned("apiserver");
        Path config = kubeconfig("{client-certificate-data: eA==, client-key-data: eA==}");
        assertThatThrownBy(() -> ApiServer.discover(Map.of("KUBECONFIG", config.toString()), dir))
                .hasMessage("kubeconfig " + config + ": user u1 authenticates by client-certificate-data, which kprom"
                        + " does not support; give it a token (token: or tokenFile:)");
        Files.writeString(config, Files.readString(config).replace("current-context: dev", "current-context: prod"));
        assertThatThrownBy(() -> ApiServer.discover(Map.of("KUBECONFIG", config.toString()), dir))
                .hasMessage("kubeconfig " + config + ": no context named \"prod\" (current-context)");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ApiServer.discover(Map.of("KUBECONFIG", missing.toString()), dir))
                .hasMessageStartingWith("kubeconfig " + missing + ": ");
    }
}
