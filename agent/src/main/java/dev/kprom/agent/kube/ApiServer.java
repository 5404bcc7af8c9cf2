package dev.kprom.agent.kube;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the Kubernetes API server is and how kprom proves who it is: the server's base URI, a bearer token (read
 * from {@code tokenFile} at every request, as kubelet rotates service account tokens in place, or given as
 * {@code token}), and the TLS context trusting the cluster's CA (null: the JDK's default trust).
 */
public record ApiServer(URI base, Path tokenFile, String token, SSLContext ssl) {
    /** Where kubelet mounts a pod's service account: token, ca.crt. */
    public static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    /** A server at {@code base} asking for no credentials (tests, a local proxy such as kubectl proxy). */
    public static ApiServer anonymous(URI base) {
        return new ApiServer(base, null, null, null);
    }

    /**
     * The API server as clients inside a pod find it: {@code KUBERNETES_SERVICE_HOST} and {@code _PORT}, the service
     * account's token and CA under {@code serviceAccount}; else the kubeconfig ({@code KUBECONFIG}, else
     * {@code ~/.kube/config}).
     */
    public static ApiServer discover(Map<String, String> env, Path serviceAccount) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        if (host != null && !host.isBlank()) {
            String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
            String authority = host.contains(":") ? "[" + host + "]" : host; // an IPv6 service address
            Path ca = serviceAccount.resolve("ca.crt");
            Path token = serviceAccount.resolve("token");
            if (!Files.isReadable(token))
                throw new IllegalStateException("in a pod (KUBERNETES_SERVICE_HOST=" + host + ") but no service account"
                        + " token at " + token + ": set automountServiceAccountToken (the chart does when"
                        + " config.kubernetesMetadata is on)");
            try {
                return new ApiServer(
                        URI.create("https://" + authority + ":" + port), token, null, trusting(Files.readAllBytes(ca)));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("the cluster's CA " + ca + ": " + e.getMessage(), e);
            }
        }
        String kubeconfig = env.get("KUBECONFIG");
        Path path = kubeconfig != null && !kubeconfig.isBlank()
                ? Path.of(kubeconfig.split(":")[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
        return Kubeconfig.read(path);
    }

    /** The Authorization header's value; null when there is no token. */
    String authorization() throws IOException {
        if (tokenFile != null) return "Bearer " + Files.readString(tokenFile).strip();
        return token == null ? null : "Bearer " + token;
    }

    /** A TLS context trusting the certificates in {@code pem} (one or more, PEM), and those alone. */
    static SSLContext trusting(byte[] pem) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate c :
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)))
            store.setCertificateEntry("ca-" + i++, c);
        if (i == 0) throw new GeneralSecurityException("no certificate in it");
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        return ssl;
    }
}
