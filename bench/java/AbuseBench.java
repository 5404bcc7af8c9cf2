import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Attacks a running kprom one at a time while a well-behaved client scrapes /metrics and probes /healthz every
 * second, as Prometheus and the kubelet would, and a load thread makes connect() calls that the connect probe set
 * counts from its perf event stream. Per attack: the good client's scrape success rate and p99 latency, /healthz
 * p99, kprom's RSS before, at the end of the attack, and 10 s after it, and the connect() calls made against those
 * kprom counted (kprom_connect_results_total) and the records the kernel dropped (kprom_events_lost_total).
 * Attackers use source addresses 127.0.0.2 and up; the good client 127.0.0.1.
 * Usage: java AbuseBench.java PORT PID USER PASSWORD SECONDS [ATTACK,...] (default: all; "none" always runs first)
 */
public final class AbuseBench {
    static int port;
    static long pid;
    static String goodAuth;
    static String badAuth;
    static Set<String> only;

    public static void main(String[] args) throws Exception {
        port = Integer.parseInt(args[0]);
        pid = Long.parseLong(args[1]);
        goodAuth = basic(args[2], args[3]);
        badAuth = basic(args[2], args[3] + "-wrong");
        int seconds = Integer.parseInt(args[4]);
        only = args.length > 5 && !args[5].isBlank() ? Set.of(args[5].split(",")) : null;
        System.out.println("# attack           good scrapes  scrape p99  healthz p99  RSS MiB before -> end -> +10 s"
                + "   connect() made / counted / lost");
        attack("none", seconds, stop -> {});
        attack("events-stalled", seconds, AbuseBench::stalledEventClients);
        attack("pipeline", seconds, AbuseBench::pipelineWithoutReading);
        attack("silent-300", seconds, stop -> silentSockets(stop, 300, false));
        attack("slowloris-200", seconds, stop -> silentSockets(stop, 200, true));
        attack("bcrypt-flood", seconds, AbuseBench::bcryptFlood);
    }

    interface Attack {
        void run(AtomicBoolean stop) throws Exception;
    }

    static void attack(String name, int seconds, Attack attack) throws Exception {
        if (only != null && !name.equals("none") && !only.contains(name)) return;
        double before = rss();
        AtomicBoolean stop = new AtomicBoolean();
        double countedBefore = sum("kprom_connect_results_total{");
        double lostBefore = sum("kprom_events_lost_total{map=\"connect_events\"");
        AtomicLong made = new AtomicLong();
        Thread load = new Thread(() -> connectLoad(stop, made));
        load.setDaemon(true);
        load.start();
        Thread attacker = new Thread(() -> {
            try {
                attack.run(stop);
            } catch (Exception e) {
                System.out.println("# " + name + ": " + e);
            }
        });
        attacker.setDaemon(true);
        attacker.start();
        List<Long> scrapes = Collections.synchronizedList(new ArrayList<>());
        List<Long> probes = Collections.synchronizedList(new ArrayList<>());
        int ok = 0;
        HttpClient http = HttpClient.newBuilder() // from 127.0.0.1, the loopback default
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        for (int i = 0; i < seconds; i++) {
            long t0 = System.nanoTime();
            try {
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(uri("/metrics"))
                                .header("Authorization", goodAuth)
                                .header("X-Prometheus-Scrape-Timeout-Seconds", "10")
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) ok++;
            } catch (IOException e) {
                // a failed scrape
            }
            scrapes.add(System.nanoTime() - t0);
            long t1 = System.nanoTime();
            try {
                http.send(
                        HttpRequest.newBuilder(uri("/healthz"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // counted by its latency
            }
            probes.add(System.nanoTime() - t1);
            long spent = (System.nanoTime() - t0) / 1_000_000;
            if (spent < 1000) Thread.sleep(1000 - spent);
        }
        double end = rss();
        stop.set(true);
        attacker.join(15_000);
        load.join(5_000);
        Thread.sleep(10_000);
        System.out.printf(
                "%-18s %5d/%-6d %9.1f ms %10.1f ms %8.1f -> %.1f -> %.1f %13d / %.0f / %.0f%n",
                name,
                ok,
                seconds,
                p99(scrapes),
                p99(probes),
                before,
                end,
                rss(),
                made.get(),
                sum("kprom_connect_results_total{") - countedBefore,
                sum("kprom_events_lost_total{map=\"connect_events\"") - lostBefore);
    }

    /** connect() calls to a closed loopback port, about 2,000 a second, until stopped. */
    static void connectLoad(AtomicBoolean stop, AtomicLong made) {
        while (!stop.get()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket()) {
                    made.incrementAndGet();
                    s.connect(new InetSocketAddress("127.0.0.1", 9), 1000);
                } catch (IOException refused) {
                    // the point: one connect() call each
                }
            }
            long slept = 10 - (System.nanoTime() - t0) / 1_000_000;
            if (slept > 0) {
                try {
                    Thread.sleep(slept);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The sum of every series of /metrics whose line starts with {@code prefix}. */
    static double sum(String prefix) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri("/metrics"))
                                .header("Authorization", goodAuth)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.body()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /**
     * Eight /events clients (the most kprom takes; a ninth is refused) that subscribe to the connect stream, each
     * naming it many times over, and never read a byte, again whenever they are cut off.
     */
    static void stalledEventClients(AtomicBoolean stop) throws Exception {
        String path = "/events?" + "probe=connect&".repeat(200);
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + goodAuth + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        List<Socket> open = new ArrayList<>();
        try {
            while (!stop.get()) {
                open.removeIf(Socket::isClosed);
                for (int i = open.size(); i < 9 && !stop.get(); i++) {
                    try {
                        Socket s = connect("127.0.0." + (2 + i));
                        s.getOutputStream().write(request);
                        s.setReceiveBufferSize(4096);
                        open.add(s);
                    } catch (IOException refused) {
                        break;
                    }
                }
                Thread.sleep(1000);
            }
        } finally {
            for (Socket s : open) s.close();
        }
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static double p99(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.isEmpty()
                ? 0
                : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6;
    }

    static double rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
        return 0;
    }

    static Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }

    /** One client sends thousands of GET /metrics without reading an answer, again whenever it is cut off. */
    static void pipelineWithoutReading(AtomicBoolean stop) throws Exception {
        byte[] request = ("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: " + goodAuth + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        while (!stop.get()) {
            try (Socket s = connect("127.0.0.2")) {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < 3000 && !stop.get(); i++) out.write(request);
                while (!stop.get()) Thread.sleep(100); // holds the connection, reads nothing
            } catch (IOException cutOff) {
                Thread.sleep(100);
            }
        }
    }

    /** Sockets from several addresses that send nothing (or one header byte a second: slowloris). */
    static void silentSockets(AtomicBoolean stop, int n, boolean trickle) throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            while (!stop.get()) {
                open.removeIf(Socket::isClosed);
                for (int i = open.size(); i < n && !stop.get(); i++) {
                    try {
                        open.add(connect("127.0.0." + (2 + i % 50)));
                    } catch (IOException refused) {
                        break;
                    }
                }
                for (Socket s : open) {
                    try {
                        if (trickle) s.getOutputStream().write('G');
                        if (s.getInputStream().available() < 0) s.close();
                    } catch (IOException closedByServer) {
                        s.close();
                    }
                }
                Thread.sleep(1000);
            }
        } finally {
            for (Socket s : open) s.close();
        }
    }

    /** Sixteen threads send wrong passwords as fast as they are answered, from 48 addresses (past any per-address limit). */
    static void bcryptFlood(AtomicBoolean stop) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                byte[] request = ("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: " + badAuth + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                byte[] buf = new byte[4096];
                for (int n = 0; !stop.get(); n++) {
                    try (Socket s = connect("127.0.1." + (1 + (first * 3 + n % 3)))) {
                        s.setSoTimeout(5000);
                        OutputStream out = s.getOutputStream();
                        InputStream in = s.getInputStream();
                        while (!stop.get()) {
                            out.write(request);
                            if (in.read(buf) < 0) break; // the 401 (keep-alive), or closed
                        }
                    } catch (IOException again) {
                        // reconnect
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) t.join();
    }
}
