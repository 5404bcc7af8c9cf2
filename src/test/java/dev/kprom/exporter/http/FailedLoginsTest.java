package dev.kprom.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A password flood from one address costs a few bcrypt checks, then none, for a while; others are not affected. */
class FailedLoginsTest {
    private static final InetAddress A = InetAddress.getLoopbackAddress();

    @Test
    void anAddressIsBlockedAfterItsFailuresForTheRestOfTheWindow() throws Exception {
        AtomicLong now = new AtomicLong();
        FailedLogins logins = new FailedLogins(now::get);
        InetAddress b = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < FailedLogins.MAX_FAILURES; i++) {
            assertThat(logins.blocked(A)).isFalse();
            logins.failed(A);
        }
        assertThat(logins.blocked(A)).isTrue();
        assertThat(logins.blocked(b)).isFalse();
        now.addAndGet(FailedLogins.WINDOW_NANOS);
        assertThat(logins.blocked(A)).as("a new window").isFalse();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pastTheLimitAWrongPasswordCostsNoBcryptAndKnownGoodCredentialsStillPass() throws Exception {
        String hash = new String(BCrypt.withDefaults().hash(10, "s3cret".toCharArray()), StandardCharsets.UTF_8);
        BasicAuth auth = new BasicAuth(Map.of("prometheus", hash));
        assertThat(auth.allows(basic("prometheus", "s3cret"), A)).isTrue(); // verified once: remembered
        for (int i = 0; i < FailedLogins.MAX_FAILURES; i++)
            assertThat(auth.allows(basic("prometheus", "guess" + i), A)).isFalse();
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++)
            assertThat(auth.allows(basic("prometheus", "more" + i), A)).isFalse();
        // 50 bcrypt checks at cost 10 would take seconds; refused unchecked, they take about nothing
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
        assertThat(auth.allows(basic("prometheus", "s3cret"), A)).isTrue();
        assertThat(auth.allows(basic("prometheus", "s3cret"), InetAddress.getByName("127.0.0.2")))
                .isTrue();
    }
}
