package dev.kprom.exporter.http;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * TLS for the server, in the terms of Prometheus' exporter-toolkit: PEM certificate chain and PKCS#8 key,
 * {@code client_auth_type} and the CA that client certificates must chain to, and the lowest TLS version.
 */
public record TlsSettings(File certFile, File keyFile, String clientAuthType, File clientCaFile, String minVersion) {
    public static final List<String> CLIENT_AUTH_TYPES = List.of(
            "NoClientCert",
            "RequestClientCert",
            "RequireAnyClientCert",
            "VerifyClientCertIfGiven",
            "RequireAndVerifyClientCert");
    public static final List<String> VERSIONS = List.of("TLS12", "TLS13");

    /** Netty's view of client_auth_type: optional when a certificate may be given, required when it must. */
    public ClientAuth clientAuth() {
        return switch (clientAuthType == null ? "NoClientCert" : clientAuthType) {
            case "RequestClientCert", "VerifyClientCertIfGiven" -> ClientAuth.OPTIONAL;
            case "RequireAnyClientCert", "RequireAndVerifyClientCert" -> ClientAuth.REQUIRE;
            default -> ClientAuth.NONE;
        };
    }

    public SslContext context() throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(certFile, keyFile)
                .sslProvider(SslProvider.JDK)
                .clientAuth(clientAuth())
                .protocols("TLS13".equals(minVersion) ? new String[] {"TLSv1.3"} : new String[] {"TLSv1.3", "TLSv1.2"});
        if (clientCaFile != null) b.trustManager(clientCaFile);
        return b.build();
    }
}
