package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.comm;
import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestNetns;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's probe sets against the real kernel: each made to see something exact, then read back. */
@BpfTest
class LibraryProbeSetsTest {
    private static final Path PROBES = Path.of("config/probes");

    private static ProbeSet load(String name) {
        return new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), n -> CollectObserver.IGNORE)
                .load(ConfigLoader.loadProbeSet(name, PROBES));
    }

    /** Runs {@code body} on a new thread named {@code comm} (as the kernel sees it), and waits for it. */
    private static void asThread(String comm, Runnable body) throws InterruptedException {
        Thread t = new Thread(() -> {
            TestLibC.prctl(TestLibC.PR_SET_NAME, comm, 0, 0, 0);
            body.run();
        });
        t.start();
        t.join();
    }

    @Test
    void syscallErrorsCountsEachFailedCallByErrno() throws Exception {
        String comm = comm("kse");
        try (ProbeSet set = load("syscall_errors")) {
            asThread(comm, () -> {
                for (int i = 0; i < 5; i++) TestLibC.open("/nonexistent/kprom-" + i, 0);
                TestLibC.getppid(); // succeeds: not counted
            });
            String text = scrape(set);
            assertThat(value(
                            text,
                            "kprom_syscall_errors_total{comm=\"" + comm + "\",errno=\"ENOENT\",syscall=\"openat\"}"))
                    .isEqualTo(5);
            assertThat(text).doesNotContain("comm=\"" + comm + "\",errno=\"ENOENT\",syscall=\"getppid\"");
        }
    }

    @Test
    void signalsCountsEachSignalByReceiver(@TempDir Path dir) throws Exception {
        String comm = comm("ksg");
        Path sleeper = Files.copy(Path.of("/bin/sleep"), dir.resolve(comm));
        try (ProbeSet set = load("signals")) {
            Process p = new ProcessBuilder(sleeper.toString(), "30").start();
            try {
                for (int i = 0; i < 4; i++) {
                    assertThat(new ProcessBuilder("kill", "-CONT", Long.toString(p.pid()))
                                    .start()
                                    .waitFor())
                            .isZero();
                }
            } finally {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
            }
            String text = scrape(set);
            assertThat(value(text, "kprom_signals_total{comm=\"" + comm + "\",signal=\"SIGCONT\"}"))
                    .isEqualTo(4);
            assertThat(value(text, "kprom_signals_total{comm=\"" + comm + "\",signal=\"SIGKILL\"}"))
                    .isEqualTo(1);
        }
    }

    @Test
    void fsyncLatencyObservesEachCallByOpAndComm(@TempDir Path dir) throws Exception {
        String comm = comm("kfs");
        try (ProbeSet set = load("fsync_latency");
                RandomAccessFile file = new RandomAccessFile(dir.resolve("data").toFile(), "rw")) {
            asThread(comm, () -> {
                try {
                    for (int i = 0; i < 3; i++) {
                        file.write(i);
                        file.getChannel().force(true); // fsync
                    }
                    file.write(9);
                    file.getChannel().force(false); // fdatasync
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String text = scrape(set);
            assertThat(value(text, "kprom_fsync_latency_seconds_count{comm=\"" + comm + "\",op=\"fsync\"}"))
                    .isEqualTo(3);
            assertThat(value(text, "kprom_fsync_latency_seconds_count{comm=\"" + comm + "\",op=\"fdatasync\"}"))
                    .isEqualTo(1);
            assertThat(value(text, "kprom_fsync_latency_seconds_sum{comm=\"" + comm + "\",op=\"fsync\"}"))
                    .isPositive();
        }
    }

    @Test
    void softirqLatencySeesTimerAndNetworkSoftirqs() throws Exception {
        try (ProbeSet set = load("softirq_latency")) {
            // loopback traffic raises NET_RX; the tick raises TIMER on every CPU
            for (int i = 0; i < 50; i++) {
                try (var s = new java.net.Socket()) {
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", 9), 200);
                } catch (java.io.IOException refused) {
                    // each attempt is a loopback round trip
                }
            }
            Thread.sleep(200);
            String text = scrape(set);
            assertThat(value(text, "kprom_softirq_wait_seconds_count{softirq=\"net_rx\"}"))
                    .isPositive();
            assertThat(value(text, "kprom_softirq_run_seconds_count{softirq=\"timer\"}"))
                    .isPositive();
            assertThat(value(text, "kprom_softirq_run_seconds_sum{softirq=\"timer\"}"))
                    .isPositive();
        }
    }

    private static double sumOf(String text, String prefix) {
        return text.lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static double sumWith(String text, String labels) {
        return text.lines()
                .filter(l -> l.startsWith("kprom_") && l.contains(labels))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void tcpStatesCountsOpensAndAccepts() throws Exception {
        try (ProbeSet set = load("tcp_states");
                ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // either family: Java's sockets are dual-stack AF_INET6 ones, IPv4-mapped on loopback
            String opened = "new_state=\"ESTABLISHED\",old_state=\"SYN_SENT\"";
            String accepted = "new_state=\"ESTABLISHED\",old_state=\"SYN_RECV\"";
            String before = scrape(set);
            for (int i = 0; i < 6; i++) {
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                        Socket s = server.accept()) {
                    assertThat(s.isConnected()).isTrue();
                }
            }
            String after = scrape(set);
            // other connections on the host may change state meanwhile: bounded, not exact
            assertThat(sumWith(after, opened) - sumWith(before, opened)).isBetween(6.0, 6.0 + 10);
            assertThat(sumWith(after, accepted) - sumWith(before, accepted)).isBetween(6.0, 6.0 + 10);
        }
    }

    @Test
    void icmpCountsPortUnreachableForUdpToAClosedPort() throws Exception {
        try (ProbeSet set = load("icmp");
                TestNetns ns = TestNetns.create("kpi")) {
            String series = "kprom_icmp_sent_total{code=\"3\",type=\"dest_unreachable\"}";
            double before = value(scrape(set), series);
            // a namespace of its own: no ICMP rate limit, nobody else's traffic
            ns.bash("sysctl -qw net.ipv4.icmp_ratelimit=0");
            ns.udp("127.0.0.1", 9, 5);
            assertThat(value(scrape(set), series) - before).isEqualTo(5);
        }
    }

    @Test
    void hrtimersCountsSleepsWakeups() throws Exception {
        try (ProbeSet set = load("hrtimers")) {
            String series = "kprom_hrtimer_expiries_total{function=\"hrtimer_wakeup\"}";
            double before = value(scrape(set), series);
            for (int i = 0; i < 20; i++) Thread.sleep(2); // each a nanosleep whose hrtimer wakes this thread
            assertThat(value(scrape(set), series) - before).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void shrinkerLatencyObservesShrinkersWhenCachesAreDropped() throws Exception {
        try (ProbeSet set = load("shrinker_latency")) {
            double before = sumOf(scrape(set), "kprom_shrinker_latency_seconds_count");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2"); // slab caches: every shrinker runs
            String text = scrape(set);
            assertThat(sumOf(text, "kprom_shrinker_latency_seconds_count") - before)
                    .isPositive();
            assertThat(text).containsPattern("kprom_shrinker_latency_seconds_sum\\{function=\"[a-z_0-9.]+\"\\}");
        }
    }

    @Test
    void pageCacheAddsCountsTheMissesOfAColdRead(@TempDir Path dir) throws Exception {
        String comm = comm("kpc");
        Path data = Path.of("target", "page-cache-" + comm); // the project's disk: a real block device
        Files.write(data, new byte[64 * 1024]); // 16 pages
        Path dd = Files.copy(Path.of("/bin/dd"), dir.resolve(comm));
        try (ProbeSet set = load("page_cache_adds")) {
            // cold: this file's pages dropped (POSIX_FADV_DONTNEED), nothing else's; the dd copy itself was just
            // written, so its own pages are cached and only the data's 16 are added
            KernelEvents.sh("sync " + data + " && dd if=" + data + " iflag=nocache count=0 status=none");
            KernelEvents.sh(dd + " if=" + data + " of=/dev/null bs=64k status=none");
            assertThat(sumWith(scrape(set), "comm=\"" + comm + "\"")).isEqualTo(16);
            assertThat(scrape(set))
                    .containsPattern("kprom_page_cache_adds_total\\{comm=\"" + comm
                            + "\",device=\"(?!unknown)[a-z0-9]+\"\\} 16.0");
        } finally {
            Files.deleteIfExists(data);
        }
    }

    @Test
    void udpDropsCountsWhatAFullQueueRefused() throws Exception {
        try (ProbeSet set = load("udp_drops");
                DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket sender = new DatagramSocket()) {
            receiver.setReceiveBufferSize(4096); // a few datagrams fill it
            int port = receiver.getLocalPort();
            byte[] payload = new byte[1000];
            for (int i = 0; i < 200; i++) {
                sender.send(new DatagramPacket(payload, payload.length, receiver.getLocalSocketAddress()));
            }
            int received = 0;
            receiver.setSoTimeout(200);
            try {
                while (true) {
                    receiver.receive(new DatagramPacket(new byte[2000], 2000));
                    received++;
                }
            } catch (java.net.SocketTimeoutException drained) {
                // every datagram that got in is read
            }
            assertThat(received).isLessThan(200);
            assertThat(sumWith(scrape(set), "port=\"" + port + "\"")).isEqualTo(200 - received);
        }
    }

    @Test
    void processExitsCountsStatusesAndSignals(@TempDir Path dir) throws Exception {
        String comm = comm("kpx");
        Path shell = Files.copy(Path.of("/bin/sh"), dir.resolve(comm));
        try (ProbeSet set = load("process_exits")) {
            for (int i = 0; i < 2; i++)
                assertThat(new ProcessBuilder(shell.toString(), "-c", "exit 3")
                                .start()
                                .waitFor())
                        .isEqualTo(3);
            Process killed = new ProcessBuilder(shell.toString(), "-c", "sleep 30").start();
            Thread.sleep(100);
            killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
            String text = scrape(set);
            assertThat(value(text, "kprom_process_exits_total{comm=\"" + comm + "\",signal=\"0\",status=\"3\"}"))
                    .isEqualTo(2);
            assertThat(value(text, "kprom_process_exits_total{comm=\"" + comm + "\",signal=\"9\",status=\"0\"}"))
                    .isEqualTo(1);
        }
    }

    /** Waits (up to 10 s) until /proc says process {@code pid} is in {@code state}, as ps shows it. */
    private static void awaitState(long pid, char state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char now = stat.charAt(stat.lastIndexOf(')') + 2);
            if (now == state) return;
            assertThat(System.nanoTime())
                    .as("process %d in state %s, still %s", pid, state, now)
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void taskStatesCountsEveryTaskAndNamesTheOneInUninterruptibleSleep(@TempDir Path dir) throws Exception {
        String comm = comm("kts");
        Path binary = Files.copy(Path.of("target/test-bin/threads").toAbsolutePath(), dir.resolve(comm));
        Process stopped = new ProcessBuilder(binary.toString(), "1").start();
        Process blocked = new ProcessBuilder(binary.toString(), "vfork").start();
        try (ProbeSet set = load("task_states")) {
            for (Process p : new Process[] {stopped, blocked})
                assertThat(new String(p.getInputStream().readNBytes(6))).isEqualTo("ready\n");
            awaitState(blocked.pid(), 'D'); // the parent waits in vfork(): what ps shows is what kprom must
            String before = scrape(set);
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(stopped.pid()))
                            .start()
                            .waitFor())
                    .isZero();
            awaitState(stopped.pid(), 'T'); // a signal is delivered when the process next runs
            String after = scrape(set);
            long tasks;
            try (var dirs = Files.list(Path.of("/proc"))) {
                tasks = dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                        .mapToLong(d -> {
                            try (var threads = Files.list(d.resolve("task"))) {
                                return threads.count();
                            } catch (Exception gone) {
                                return 0;
                            }
                        })
                        .sum();
            }
            double total = after.lines()
                    .filter(l -> l.startsWith("kprom_tasks{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
            assertThat(total).isBetween(tasks - 20.0, tasks + 20.0); // tasks come and go between the two counts
            assertThat(value(after, "kprom_tasks{state=\"stopped\"}") - value(before, "kprom_tasks{state=\"stopped\"}"))
                    .isEqualTo(1);
            assertThat(value(after, "kprom_tasks_uninterruptible{comm=\"" + comm + "\"}"))
                    .isEqualTo(1); // the vfork parent; its child sleeps interruptibly
        } finally {
            stopped.destroyForcibly().waitFor();
            blocked.getOutputStream().close();
            blocked.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void contextSwitchesCountsEachSleepAsVoluntary() throws Exception {
        String comm = comm("kcw");
        try (ProbeSet set = load("context_switches")) {
            asThread(comm, () -> {
                for (int i = 0; i < 10; i++) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            double voluntary =
                    value(scrape(set), "kprom_context_switches_total{comm=\"" + comm + "\",kind=\"voluntary\"}");
            assertThat(voluntary).isBetween(10.0, 10.0 + 10); // each sleep, and the thread's own start and end
        }
    }

    @Test
    void cpuMigrationsCountsATaskMovedByItsAffinity() throws Exception {
        String comm = comm("kcm");
        try (ProbeSet set = load("cpu_migrations")) {
            asThread(comm, () -> {
                for (int i = 0; i < 3; i++) {
                    TestLibC.onCpu(0, TestLibC::getppid); // each a move to CPU 0 and back to anywhere
                    TestLibC.onCpu(1, TestLibC::getppid);
                }
            });
            assertThat(value(scrape(set), "kprom_cpu_migrations_total{comm=\"" + comm + "\"}"))
                    .isBetween(3.0, 3.0 + 12);
        }
    }

    @Test
    void packetDropsNamesTheReasonFromTheKernelsEnum() throws Exception {
        try (ProbeSet set = load("packet_drops");
                TestNetns ns = TestNetns.create("kpd")) {
            String series = "kprom_packet_drops_total{protocol=\"ipv4\",reason=\"NO_SOCKET\"}";
            double before = value(scrape(set), series);
            // UDP to a port nobody listens on, in a namespace of its own: each datagram dropped for NO_SOCKET
            ns.udp("127.0.0.1", 9, 5);
            assertThat(value(scrape(set), series) - before).isBetween(5.0, 5.0 + 10);
        }
    }
}
