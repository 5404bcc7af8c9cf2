package dev.kprom.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The API server of a kubeconfig's current context, for kprom run outside a pod (development, a bare host with
 * access to a cluster): the cluster's {@code server} and CA ({@code certificate-authority} or {@code -data}), the
 * user's {@code token} or {@code tokenFile}. kprom speaks to the API server with a bearer token only: a user of
 * client certificates, exec plugins or auth providers is refused by name.
 */
final class Kubeconfig {
    private static final List<String> UNSUPPORTED =
            List.of("client-certificate", "client-certificate-data", "exec", "auth-provider", "username");

    private Kubeconfig() {}

    static ApiServer read(Path path) {
        JsonNode config;
        try {
            config = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("kubeconfig " + path + ": " + e.getMessage(), e);
        }
        if (config == null) throw new IllegalStateException("kubeconfig " + path + ": empty");
        String current = config.path("current-context").asText("");
        JsonNode context = named(config, "contexts", current, path).path("context");
        JsonNode cluster = named(config, "clusters", context.path("cluster").asText(""), path)
                .path("cluster");
        String userName = context.path("user").asText("");
        JsonNode user = userName.isEmpty()
                ? null
                : named(config, "users", userName, path).path("user");
        String server = cluster.path("server").asText("");
        if (server.isEmpty())
            throw new IllegalStateException(
                    "kubeconfig " + path + ": cluster of context " + current + " has no server");
        if (cluster.path("insecure-skip-tls-verify").asBoolean(false))
            throw new IllegalStateException("kubeconfig " + path + ": cluster of context " + current
                    + " skips TLS verification, which kprom does not do: give it certificate-authority");
        try {
            SSLContext ssl = null;
            if (cluster.hasNonNull("certificate-authority-data"))
                ssl = ApiServer.trusting(Base64.getDecoder()
                        .decode(cluster.get("certificate-authority-data")
                                .asText()
                                .strip()));
            else if (cluster.hasNonNull("certificate-authority"))
                ssl = ApiServer.trusting(Files.readAllBytes(
                        relative(path, cluster.get("certificate-authority").asText())));
            if (user != null) {
                for (String field : UNSUPPORTED) {
                    if (user.hasNonNull(field) && !user.hasNonNull("token") && !user.hasNonNull("tokenFile"))
                        throw new IllegalStateException("kubeconfig " + path + ": user " + userName + " authenticates"
                                + " by " + field + ", which kprom does not support; give it a token (token: or"
                                + " tokenFile:)");
                }
            }
            Path tokenFile = user != null && user.hasNonNull("tokenFile")
                    ? relative(path, user.get("tokenFile").asText())
                    : null;
            String token =
                    user != null && user.hasNonNull("token") ? user.get("token").asText() : null;
            return new ApiServer(URI.create(server.replaceAll("/+$", "")), tokenFile, token, ssl);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "kubeconfig " + path + ": cluster of context " + current + ": CA: " + e.getMessage(), e);
        }
    }

    /** The entry of list {@code list} (contexts, clusters, users) named {@code name}. */
    private static JsonNode named(JsonNode config, String list, String name, Path path) {
        for (JsonNode entry : config.path(list))
            if (name.equals(entry.path("name").asText())) return entry;
        throw new IllegalStateException("kubeconfig " + path + ": no " + list.substring(0, list.length() - 1)
                + " named \"" + name + "\"" + (list.equals("contexts") ? " (current-context)" : ""));
    }

    private static Path relative(Path kubeconfig, String file) {
        Path p = Path.of(file);
        return p.isAbsolute() || kubeconfig.getParent() == null
                ? p
                : kubeconfig.getParent().resolve(p);
    }
}
