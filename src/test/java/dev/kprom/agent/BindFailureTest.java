package dev.kprom.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.testing.BpfPrograms;
import dev.kprom.testing.BpfTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listen address that cannot be bound (another process has it) is a start failure like any other: a clear
 * error naming the address and why, and nothing left behind: the probe sets already attached are detached and
 * unloaded, and no HTTP thread stays.
 */
@BpfTest
class BindFailureTest {
    @Test
    void anAddressInUseFailsTheStartAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kprom.yaml"), "probe_sets: [execve]\nwatch_config: false\n");
        Set<Integer> before = BpfPrograms.idsNamed("tp_execve");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            Throwable failure = catchThrowable(() -> Daemon.start(ConfigLoader.load(dir.resolve("kprom.yaml")), busy));
            assertThat(failure)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("Address already in use");
        }
        assertThat(BpfPrograms.idsNamed("tp_execve")).isEqualTo(before);
        Thread.sleep(500); // event loops stop within their quiet period
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .noneMatch(n ->
                        n.startsWith("kprom-http") || n.startsWith("kprom-scrape") || n.startsWith("kprom-bcrypt"));
    }
}
