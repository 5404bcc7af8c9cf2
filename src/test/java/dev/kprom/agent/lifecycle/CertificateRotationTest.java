package dev.kprom.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.Daemon;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Openssl;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cert-manager style: the certificate and key files are replaced, and new connections get the new certificate. */
@BpfTest
class CertificateRotationTest {
    /** The subject of the certificate a new TLS connection is given. */
    private static String servedSubject(InetSocketAddress address) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() { // the test looks at the certificate, not trusts it
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", address.getPort())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName();
        }
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestart(@TempDir Path dir) throws Exception {
        Openssl.selfSigned(dir, "first");
        Openssl.selfSigned(dir, "second");
        Files.copy(dir.resolve("first.crt"), dir.resolve("tls.crt"));
        Files.copy(dir.resolve("first.key"), dir.resolve("tls.key"));
        Files.writeString(dir.resolve("web.yml"), "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n");
        Files.writeString(
                dir.resolve("kprom.yaml"), "listen: 127.0.0.1:0\nprobe_sets: [oomkill]\nweb_config_file: web.yml\n");
        try (Daemon d =
                Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(servedSubject(d.address())).isEqualTo("CN=first");
            Files.copy(dir.resolve("second.key"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(dir.resolve("second.crt"), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
            String served = "";
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); System.nanoTime() < deadline; ) {
                served = servedSubject(d.address());
                if (served.equals("CN=second")) break;
                Thread.sleep(200);
            }
            assertThat(served).isEqualTo("CN=second");
        }
    }
}
