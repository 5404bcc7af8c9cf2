package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.collect.ScrapeDeadline;
import dev.kprom.testing.BpfTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tcp_listen_queues against real listening sockets on loopback: connections left un-accept()ed are counted exactly in
 * their address and port's accept queue, beside the listen() backlog; SO_REUSEPORT listeners of one address and port
 * add up; another address apart.
 */
@BpfTest
class TcpListenQueuesTest {
    private static ProbeSet load() {
        return new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), n -> CollectObserver.IGNORE)
                .load(ConfigLoader.loadProbeSet("tcp_listen_queues", Path.of("config/probes")));
    }

    /** A series of a socket Java made: AF_INET6, listening on IPv4 addresses as IPv4-mapped ones too. */
    private static String series(String metric, String addr, int port) {
        return "kprom_" + metric + "{addr=\"" + addr + "\",family=\"ipv6\",port=\"" + port + "\"}";
    }

    private static ServerSocket listener(InetAddress address, int port, int backlog) throws Exception {
        ServerSocket s = new ServerSocket();
        s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        s.bind(new InetSocketAddress(address, port), backlog);
        return s;
    }

    @Test
    void connectionsNotYetAcceptedAreCountedInTheirPortsAcceptQueue() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        List<Socket> clients = new ArrayList<>();
        try (ProbeSet set = load();
                ServerSocket first = listener(v4, 0, 5)) {
            int port = first.getLocalPort();
            for (int i = 0; i < 3; i++) clients.add(new Socket(v4, port)); // the kernel completes each handshake
            String text = scrape(set);
            assertThat(value(text, series("tcp_listen_accept_queue", "127.0.0.1", port)))
                    .isEqualTo(3);
            assertThat(value(text, series("tcp_listen_accept_queue_max", "127.0.0.1", port)))
                    .isEqualTo(5);
            assertThat(value(text, series("tcp_listen_syn_queue", "127.0.0.1", port)))
                    .isZero();
            assertThat(value(text, series("tcp_listen_sockets", "127.0.0.1", port)))
                    .isEqualTo(1);

            first.accept().close(); // the application takes one
            assertThat(value(scrape(set), series("tcp_listen_accept_queue", "127.0.0.1", port)))
                    .isEqualTo(2);

            try (ServerSocket second = listener(v4, port, 7); // SO_REUSEPORT: one port, two queues
                    ServerSocket v6 = listener(InetAddress.getByName("::1"), port, 9)) {
                clients.add(new Socket(InetAddress.getByName("::1"), port));
                text = scrape(set);
                assertThat(value(text, series("tcp_listen_sockets", "127.0.0.1", port)))
                        .isEqualTo(2);
                assertThat(value(text, series("tcp_listen_accept_queue_max", "127.0.0.1", port)))
                        .isEqualTo(12);
                assertThat(value(text, series("tcp_listen_accept_queue", "127.0.0.1", port)))
                        .isEqualTo(2);
                assertThat(value(text, series("tcp_listen_accept_queue", "::1", port)))
                        .isEqualTo(1);
                assertThat(value(text, series("tcp_listen_accept_queue_max", "::1", port)))
                        .isEqualTo(9);
            }
            assertThat(scrape(set)).doesNotContain("addr=\"::1\",family=\"ipv6\",port=\"" + port + "\"");
        } finally {
            for (Socket c : clients) c.close();
        }
    }

    @Test
    void anIpv4SocketIsCountedAsSuch() throws Exception {
        try (ProbeSet set = load();
                ServerSocketChannel v4 = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            v4.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 4);
            int port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            try (Socket a = new Socket("127.0.0.1", port);
                    Socket b = new Socket("127.0.0.1", port)) {
                String text = scrape(set);
                String labels = "{addr=\"127.0.0.1\",family=\"ipv4\",port=\"" + port + "\"}";
                assertThat(value(text, "kprom_tcp_listen_accept_queue" + labels))
                        .isEqualTo(2);
                assertThat(value(text, "kprom_tcp_listen_accept_queue_max" + labels))
                        .isEqualTo(4);
            }
        }
    }

    @Test
    void theMetricsOfOneScrapeShareOneWalkOfTheSockets() throws Exception {
        try (ProbeSet set = load();
                ServerSocketChannel v4 = ServerSocketChannel.open(StandardProtocolFamily.INET);
                Socket a = new Socket()) {
            v4.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 4);
            int port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            String queue = "kprom_tcp_listen_accept_queue{addr=\"127.0.0.1\",family=\"ipv4\",port=\"" + port + "\"}";
            ScrapeDeadline.start("10");
            try { // one scrape: its four metrics, and anything else read for it, see one walk
                assertThat(value(scrape(set), queue)).isZero();
                a.connect(new InetSocketAddress("127.0.0.1", port));
                assertThat(value(scrape(set), queue)).isZero();
            } finally {
                ScrapeDeadline.end();
            }
            assertThat(value(scrape(set), queue)).isEqualTo(1); // the next scrape walks again
        }
    }
}
