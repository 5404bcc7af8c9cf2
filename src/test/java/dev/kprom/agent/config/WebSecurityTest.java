package dev.kprom.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.kprom.exporter.http.HttpOptions;
import dev.kprom.exporter.http.LandingPage;
import dev.kprom.exporter.http.MetricsServer;
import dev.kprom.testing.Openssl;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web config file: TLS with and without client certificates, and bcrypt basic auth, on a real server. */
class WebSecurityTest {
    @TempDir
    static Path dir;

    private static void openssl(String... args) throws Exception {
        Openssl.run(dir, args);
    }

    @BeforeAll
    static void certificates() throws Exception {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=kprom-test-ca");
        for (String who : new String[] {"server", "client"}) {
            openssl(
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    who + ".key",
                    "-out",
                    who + ".csr",
                    "-subj",
                    "/CN=" + who);
            Files.writeString(dir.resolve(who + ".ext"), "subjectAltName=IP:127.0.0.1\n");
            openssl(
                    "x509",
                    "-req",
                    "-in",
                    who + ".csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    who + ".ext",
                    "-out",
                    who + ".crt");
        }
        openssl(
                "pkcs12",
                "-export",
                "-in",
                "client.crt",
                "-inkey",
                "client.key",
                "-out",
                "client.p12",
                "-passout",
                "pass:test");
    }

    private static MetricsServer server(HttpOptions options) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder()
                .name("kprom_demo_total")
                .help("demo")
                .register(registry)
                .inc();
        return MetricsServer.builder(registry)
                .landing(new LandingPage("t", options.tls() != null, options.auth() != null))
                .options(options)
                .start(new InetSocketAddress("127.0.0.1", 0));
    }

    private static HttpClient client(boolean withClientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCert) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
                keys.load(in, "test".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "test".toCharArray());
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpResponse<String> get(HttpClient client, String url, String user, String password)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path web(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "web", ".yml"), yaml);
    }

    @Test
    void servesOverTlsAndSaysSoOnTheLandingPage() throws Exception {
        try (MetricsServer s = server(
                WebConfigLoader.load(web("tls_server_config: {cert_file: server.crt, key_file: server.key}\n")))) {
            String base = "https://127.0.0.1:" + s.address().getPort();
            HttpResponse<String> r = get(client(false), base + "/metrics", null, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("kprom_demo_total 1.0");
            assertThat(get(client(false), base + "/", null, null).body()).contains("TLS: on. Basic auth: off.");
        }
    }

    @Test
    void aRequiredClientCertificateIsRequired() throws Exception {
        try (MetricsServer s = server(
                WebConfigLoader.load(
                        web(
                                """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: ca.crt
                  min_version: TLS13
                """)))) {
            String url = "https://127.0.0.1:" + s.address().getPort() + "/metrics";
            assertThat(get(client(true), url, null, null).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> get(client(false), url, null, null)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void basicAuthChecksBcryptPasswords() throws Exception {
        String hash = new String(BCrypt.withDefaults().hash(10, "s3cret".toCharArray()), StandardCharsets.UTF_8);
        try (MetricsServer s = server(WebConfigLoader.load(web("basic_auth_users:\n  prometheus: " + hash + "\n")))) {
            String base = "http://127.0.0.1:" + s.address().getPort();
            HttpClient c = HttpClient.newHttpClient();
            HttpResponse<String> none = get(c, base + "/metrics", null, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"kprom\"");
            assertThat(get(c, base + "/metrics", "prometheus", "wrong").statusCode())
                    .isEqualTo(401);
            assertThat(get(c, base + "/metrics", "nobody", "s3cret").statusCode())
                    .isEqualTo(401);
            assertThat(get(c, base + "/metrics", "prometheus", "s3cret").statusCode())
                    .isEqualTo(200);
            assertThat(get(c, base + "/metrics", "prometheus", "s3cret").statusCode())
                    .isEqualTo(200); // remembered
            assertThat(get(c, base + "/healthz", null, null).statusCode()).isEqualTo(200); // for orchestrators' probes
        }
    }

    @Test
    void everyErrorInTheWebConfigIsReportedWithItsLine() throws Exception {
        Path bad = web(
                """
                tls_server_config:
                  cert_file: missing.crt
                  client_auth_type: RequireAndVerifyClientCert
                  min_version: TLS10
                basic_auth_users:
                  alice: plaintext
                colour: blue
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> WebConfigLoader.load(bad));
        assertThat(e.errors())
                .extracting(ConfigError::toString)
                .containsExactly(
                        bad + ":1:1: tls_server_config.key_file: is required",
                        bad
                                + ":1:1: tls_server_config.client_ca_file: is required to verify client certificates (client_auth_type RequireAndVerifyClientCert)",
                        bad + ":2:3: tls_server_config.cert_file: cannot read " + dir.resolve("missing.crt"),
                        bad + ":4:3: tls_server_config.min_version: must be TLS12 or TLS13 (got \"TLS10\")",
                        bad
                                + ":6:3: basic_auth_users.alice: must be a bcrypt hash ($2y$..., e.g. from htpasswd -nBC 10 user)",
                        bad + ":7:1: colour: unknown key (known keys: basic_auth_users, tls_server_config)");
    }
}
