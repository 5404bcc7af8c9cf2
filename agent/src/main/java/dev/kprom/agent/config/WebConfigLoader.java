package dev.kprom.agent.config;

import dev.kprom.exporter.http.BasicAuth;
import dev.kprom.exporter.http.HttpLimits;
import dev.kprom.exporter.http.HttpOptions;
import dev.kprom.exporter.http.TlsSettings;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and checks a web config file, then builds the server's TLS context and basic auth from it. */
public final class WebConfigLoader {
    private WebConfigLoader() {}

    /**
     * The files a web config names (certificate, key, client CA), resolved against it: what a config watcher reads
     * to see a certificate rotated. Empty for null or an unreadable file (its errors come from {@link #load}).
     */
    public static List<Path> files(Path file) {
        if (file == null) return List.of();
        try {
            Problems ignored = new Problems(file.toString(), Files.readString(file));
            WebConfig web = YamlBinder.bind(Files.readString(file), WebConfig.class, ignored);
            if (web == null || web.tlsServerConfig() == null) return List.of();
            Path base = file.toAbsolutePath().getParent();
            WebConfig.TlsServerConfig t = web.tlsServerConfig();
            List<Path> files = new ArrayList<>();
            for (String f : new String[] {t.certFile(), t.keyFile(), t.clientCaFile()})
                if (f != null) files.add(base.resolve(f));
            return files;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** {@link HttpOptions#PLAIN} for null; else TLS and auth as configured, or a {@link ConfigException} with every error. */
    public static HttpOptions load(Path file) {
        if (file == null) return HttpOptions.PLAIN;
        String label = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(label, 0, 0, "", "cannot read: " + e.getMessage())));
        }
        Problems problems = new Problems(label, text);
        WebConfig web = YamlBinder.bind(text, WebConfig.class, problems);
        if (web == null) {
            problems.throwIfAny();
            return HttpOptions.PLAIN; // an empty file: plain HTTP, no auth
        }
        Path base = file.toAbsolutePath().getParent();
        TlsSettings tls = null;
        WebConfig.TlsServerConfig t = web.tlsServerConfig();
        if (t != null) {
            tls = new TlsSettings(
                    file(base, t.certFile(), "tls_server_config.cert_file", problems),
                    file(base, t.keyFile(), "tls_server_config.key_file", problems),
                    t.clientAuthType(),
                    t.clientCaFile() == null
                            ? null
                            : file(base, t.clientCaFile(), "tls_server_config.client_ca_file", problems),
                    t.minVersion());
            if (t.clientAuthType() != null && !TlsSettings.CLIENT_AUTH_TYPES.contains(t.clientAuthType())) {
                problems.add(
                        "tls_server_config.client_auth_type",
                        "must be one of " + String.join(", ", TlsSettings.CLIENT_AUTH_TYPES) + " (got \""
                                + t.clientAuthType() + "\")");
            } else if (t.clientCaFile() == null && tls.clientAuth() != io.netty.handler.ssl.ClientAuth.NONE) {
                problems.add(
                        "tls_server_config.client_ca_file",
                        "is required to verify client certificates (client_auth_type " + t.clientAuthType() + ")");
            }
            if (t.minVersion() != null && !TlsSettings.VERSIONS.contains(t.minVersion())) {
                problems.add(
                        "tls_server_config.min_version", "must be TLS12 or TLS13 (got \"" + t.minVersion() + "\")");
            }
        }
        web.basicAuthUsers().forEach((user, hash) -> {
            if (!BasicAuth.isBcrypt(hash)) {
                problems.add(
                        "basic_auth_users." + user, "must be a bcrypt hash ($2y$..., e.g. from htpasswd -nBC 10 user)");
            }
        });
        problems.throwIfAny();
        try {
            return new HttpOptions(
                    HttpLimits.DEFAULT,
                    tls == null ? null : tls.context(),
                    web.basicAuthUsers().isEmpty() ? null : new BasicAuth(web.basicAuthUsers()));
        } catch (IOException | IllegalArgumentException e) {
            problems.add("tls_server_config", "cannot use the certificate and key: " + e.getMessage());
            problems.throwIfAny();
            throw new IllegalStateException(e);
        }
    }

    private static File file(Path base, String name, String at, Problems problems) {
        if (name == null) {
            problems.add(at, "is required");
            return null;
        }
        Path p = base.resolve(name);
        if (!Files.isReadable(p)) problems.add(at, "cannot read " + p);
        return p.toFile();
    }
}
