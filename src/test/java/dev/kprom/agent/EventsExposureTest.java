package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.KpromConfig;
import dev.kprom.exporter.http.BasicAuth;
import dev.kprom.exporter.http.HttpLimits;
import dev.kprom.exporter.http.HttpOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event records name pids, commands and addresses: off loopback they need auth or an explicit opt-out. */
class EventsExposureTest {
    private static KpromConfig config(Path dir, String extra) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "probe_sets: [connect]\nevents_path: /events\n" + extra);
        return ConfigLoader.load(dir.resolve("kprom.yaml"));
    }

    private static final InetSocketAddress ANY = new InetSocketAddress("0.0.0.0", 9436);

    @Test
    void eventsOffLoopbackWithoutAuthAreRefusedBeforeAnythingLoads(@TempDir Path dir) throws Exception {
        KpromConfig config = config(dir, "");
        assertThatThrownBy(() -> Daemon.checkEventsExposure(config, ANY, HttpOptions.PLAIN))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        dir.resolve("kprom.yaml") + ": events_path: events_path /events would serve every event"
                                + " record's pids, commands and addresses to anyone who reaches 0.0.0.0:9436: set"
                                + " basic_auth_users in a web_config_file, listen on loopback, or set events_unauthenticated: true");
    }

    @Test
    void loopbackAuthOrAnExplicitOptOutAreAccepted(@TempDir Path dir) throws Exception {
        KpromConfig plain = config(dir, "");
        assertThatCode(() ->
                        Daemon.checkEventsExposure(plain, new InetSocketAddress("127.0.0.1", 9436), HttpOptions.PLAIN))
                .doesNotThrowAnyException();
        String hash = new String(BCrypt.withDefaults().hash(4, "pw".toCharArray()), StandardCharsets.UTF_8);
        HttpOptions auth = new HttpOptions(HttpLimits.DEFAULT, null, new BasicAuth(Map.of("prometheus", hash)));
        assertThatCode(() -> Daemon.checkEventsExposure(plain, ANY, auth)).doesNotThrowAnyException();
        KpromConfig optOut = config(dir, "events_unauthenticated: true\n");
        assertThatCode(() -> Daemon.checkEventsExposure(optOut, ANY, HttpOptions.PLAIN))
                .doesNotThrowAnyException();
    }
}
