package dev.kprom.agent.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list and a watch of one node's pods, as Kubernetes' own informers do it, on the JDK's HTTP client: a list (served
 * from the API server's watch cache: {@code resourceVersion=0}), then a watch from the list's version over a
 * WebSocket, renewed from the last version seen when the server ends it; after a failure (connection refused or cut,
 * an error answer, the version expired, no word within the watch's timeout) a new list, backing off from 0.5 s to
 * 30 s. Every event goes to {@link Events} on the client's one thread, in order. One thread of kprom's own
 * ({@code kprom-kube-pods}) drives it; a watch costs the API server nothing while pods do not change.
 */
final class PodWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodWatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    /** A watch the server ends after 5 to 10 minutes (spread, as client-go spreads them). */
    private static final int WATCH_SECONDS = 300;
    /** A watch event (one pod) larger than this ends the watch: etcd itself refuses objects past 1.5 MiB. */
    private static final int MAX_EVENT_BYTES = 4 << 20;

    /** Where the pods go. */
    interface Events {
        /** The pods a list returned: all there are now. */
        void listed(List<SlimPod> pods);

        /** A pod added or changed. */
        void put(SlimPod pod);

        /** A pod deleted. */
        void deleted(SlimPod pod);
    }

    private final ApiServer server;
    private final String node;
    private final Events events;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> daemon(r, "kprom-kube-http"));
    private final HttpClient http;
    private final Thread thread = daemon(this::run, "kprom-kube-pods");
    /** Down once the first list is in and its watch open (or failed to open: the list stands alone). */
    private final CountDownLatch started = new CountDownLatch(1);

    private volatile boolean listed;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile boolean watching;
    private volatile boolean closed;
    private volatile WebSocket socket;

    PodWatch(ApiServer server, String node, Events events) {
        this.server = server;
        this.node = node;
        this.events = events;
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor);
        if (server.ssl() != null) b.sslContext(server.ssl());
        this.http = b.build();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Starts, and waits up to {@code waitMillis} for the first list and its watch; whether the list has come (a
     * change made after this returned true is seen).
     */
    boolean start(long waitMillis) throws InterruptedException {
        thread.start();
        started.await(waitMillis, TimeUnit.MILLISECONDS);
        return listed;
    }

    /** Failed requests: lists, watches, and watches cut. */
    long errors() {
        return errors.get();
    }

    /** Whether a watch is open (the state is as fresh as the API server's). */
    boolean watching() {
        return watching;
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        String version = null; // null: list first
        while (!closed) {
            try {
                if (version == null) {
                    version = list();
                    listed = true;
                }
                long opened = System.nanoTime();
                version = watch(version);
                backoff = MIN_BACKOFF_MILLIS;
                if (System.nanoTime() - opened < 1_000_000_000L) pause(1_000); // a server ending watches at once
            } catch (Expired e) {
                LOG.debug("pods of node {}: {}; listing again", node, e.getMessage());
                version = null;
            } catch (Exception e) {
                if (closed) break;
                if (listed) started.countDown();
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                errors.incrementAndGet();
                if (outage.compareAndSet(false, true)) { // once per outage; the retries at debug
                    LOG.warn(
                            "pods of node {}: the API server failed ({}); keeping the last state, retrying",
                            node,
                            e.toString());
                } else {
                    LOG.debug("pods of node {}: still failing ({})", node, e.toString());
                }
                version = null;
                pause(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                watching = false;
            }
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            if (!closed) Thread.currentThread().interrupt();
        }
    }

    private String query(String... more) {
        StringBuilder q = new StringBuilder("/api/v1/pods?fieldSelector=")
                .append(URLEncoder.encode("spec.nodeName=" + node, StandardCharsets.UTF_8));
        for (String m : more) q.append('&').append(m);
        return q.toString();
    }

    /** Lists the node's pods, page by page; the version to watch from. */
    private String list() throws IOException, InterruptedException {
        List<SlimPod> pods = new ArrayList<>();
        String version = null;
        String next = null;
        do {
            String path = next == null
                    ? query("resourceVersion=0", "limit=500")
                    : query("limit=500", "continue=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            HttpRequest.Builder request = HttpRequest.newBuilder(server.base().resolve(path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json");
            String auth = server.authorization();
            if (auth != null) request.header("Authorization", auth);
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("list pods: HTTP " + response.statusCode() + ": " + statusMessage(body));
                }
                next = null;
                try (JsonParser p = JSON.getFactory().createParser(body)) {
                    if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("list pods: not a list");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if (field.equals("metadata")) {
                            JsonNode meta = p.readValueAsTree();
                            version = meta.path("resourceVersion").asText(null);
                            next = meta.path("continue").asText("");
                            if (next.isEmpty()) next = null;
                        } else if (field.equals("items") && p.currentToken() == JsonToken.START_ARRAY) {
                            while (p.nextToken() == JsonToken.START_OBJECT) { // one pod in memory at a time
                                SlimPod pod = SlimPod.of(p.readValueAsTree());
                                if (pod.uid() != null) pods.add(pod);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
        } while (next != null && !closed);
        events.listed(pods);
        return version;
    }

    private static String statusMessage(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(4096);
            JsonNode status = JSON.readTree(bytes);
            return status.path("message").asText(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "(no readable answer)";
        }
    }

    /** Watches from {@code version} until the server ends the watch; the last version seen. */
    private String watch(String version) throws IOException, InterruptedException, Expired {
        int seconds = WATCH_SECONDS + ThreadLocalRandom.current().nextInt(WATCH_SECONDS);
        String path = query(
                "watch=true",
                "allowWatchBookmarks=true",
                "timeoutSeconds=" + seconds,
                version == null ? "resourceVersion=0" : "resourceVersion=" + version);
        URI uri = URI.create(server.base().resolve(path).toString().replaceFirst("^http", "ws"));
        Watcher watcher = new Watcher(version);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        String auth = server.authorization();
        if (auth != null) b.header("Authorization", auth);
        try {
            socket = b.buildAsync(uri, watcher).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException h)
                throw new IOException("watch pods: HTTP " + h.getResponse().statusCode(), h);
            throw new IOException("watch pods: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("watch pods: no answer within 30 s");
        }
        watching = true;
        started.countDown();
        if (outage.compareAndSet(true, false)) LOG.info("pods of node {}: watching again", node);
        long limit = TimeUnit.SECONDS.toNanos(seconds + 30L);
        try {
            while (true) {
                try {
                    return watcher.end.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (closed) return watcher.version;
                    if (System.nanoTime() - watcher.lastWord > limit)
                        throw new IOException("watch pods: no word from the server in " + (seconds + 30) + " s");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Expired x) throw x;
                    throw new IOException("watch pods: " + e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            watching = false;
            socket.abort();
        }
    }

    /** The watch's version went out of the API server's window: list again. */
    private static final class Expired extends Exception {
        Expired(String message) {
            super(message);
        }
    }

    /** Receives a watch's events, whole messages in order, and ends {@link #end} with the last version. */
    private final class Watcher implements WebSocket.Listener {
        final CompletableFuture<String> end = new CompletableFuture<>();
        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        volatile String version;
        volatile long lastWord = System.nanoTime();

        Watcher(String version) {
            this.version = version;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            return onBinary(ws, StandardCharsets.UTF_8.encode(data.toString()), last);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            lastWord = System.nanoTime();
            if (message.size() + data.remaining() > MAX_EVENT_BYTES) {
                end.completeExceptionally(new IOException("a watch event past " + MAX_EVENT_BYTES + " bytes"));
                return null;
            }
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            message.write(bytes, 0, bytes.length);
            if (last) {
                try {
                    event(JSON.readTree(message.toByteArray()));
                } catch (IOException | RuntimeException e) {
                    end.completeExceptionally(new IOException("a watch event kprom cannot read: " + e, e));
                }
                message.reset();
            }
            ws.request(1);
            return null;
        }

        private void event(JsonNode event) {
            String type = event.path("type").asText();
            JsonNode object = event.path("object");
            if (type.equals("ERROR")) { // a Status: 410 Gone when the version left the server's window
                int code = object.path("code").asInt();
                String why = "HTTP " + code + ": " + object.path("message").asText();
                end.completeExceptionally(code == 410 ? new Expired(why) : new IOException(why));
                return;
            }
            String v = object.path("metadata").path("resourceVersion").asText(null);
            if (v != null) version = v;
            if (type.equals("BOOKMARK")) return;
            SlimPod pod = SlimPod.of(object);
            if (pod.uid() == null) return;
            if (type.equals("DELETED")) events.deleted(pod);
            else events.put(pod);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            end.complete(version);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            end.completeExceptionally(error);
        }
    }

    @Override
    public void close() {
        closed = true;
        WebSocket s = socket;
        if (s != null) s.abort();
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
