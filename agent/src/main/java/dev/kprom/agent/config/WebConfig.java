package dev.kprom.agent.config;

import java.util.Map;

/**
 * The web config file, as Prometheus' exporter-toolkit reads it:
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt            # PEM, relative to this file
 *   key_file: server.key             # PKCS#8 PEM
 *   client_auth_type: RequireAndVerifyClientCert
 *   client_ca_file: ca.crt
 *   min_version: TLS12
 * basic_auth_users:
 *   prometheus: $2y$10$...           # bcrypt
 * </pre>
 */
public record WebConfig(TlsServerConfig tlsServerConfig, Map<String, String> basicAuthUsers) {
    public WebConfig {
        basicAuthUsers = basicAuthUsers == null ? Map.of() : Map.copyOf(basicAuthUsers);
    }

    public record TlsServerConfig(
            String certFile, String keyFile, String clientAuthType, String clientCaFile, String minVersion) {}
}
