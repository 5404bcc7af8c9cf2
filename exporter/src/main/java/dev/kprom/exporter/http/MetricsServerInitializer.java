package dev.kprom.exporter.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipeline only: connection caps (in all, where a new connection takes the place of the one that has waited
 * longest for its request, and per client address), TLS, timeouts (first request, idle, writes),
 * the HTTP codec, a small aggregator (no request bodies here), one request at a time, /healthz on the I/O loop, basic
 * auth, and the router off the loop.
 */
final class MetricsServerInitializer extends ChannelInitializer<SocketChannel> {
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_BODY = 8192;

    private final EventExecutorGroup scrapeGroup;
    private final AuthGate authGate;
    private final Router router;
    private final ChannelGroup connections;
    private final HttpLimits limits;
    private final AtomicReference<HttpOptions> options;
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final WaitingConnections waiting = new WaitingConnections();

    MetricsServerInitializer(
            EventExecutorGroup scrapeGroup,
            AuthGate authGate,
            Router router,
            ChannelGroup connections,
            AtomicReference<HttpOptions> options) {
        this.scrapeGroup = scrapeGroup;
        this.authGate = authGate;
        this.router = router;
        this.connections = connections;
        this.limits = options.get().limits();
        this.options = options;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetAddress from =
                ch.remoteAddress() == null ? null : ch.remoteAddress().getAddress();
        if (from != null) {
            AtomicInteger mine = perAddress.computeIfAbsent(from, a -> new AtomicInteger());
            if (mine.incrementAndGet() > limits.maxConnectionsPerAddress()) {
                release(from);
                ch.close(); // one client cannot take every connection
                return;
            }
            ch.closeFuture().addListener(f -> release(from));
        }
        if (connections.size() >= limits.maxConnections() && !waiting.closeLongestWaiting()) {
            ch.close(); // every connection is being served: refuse at once rather than queue
            return;
        }
        connections.add(ch); // removed by the group itself when the channel closes
        HttpOptions now = options.get(); // TLS as configured when this connection came: a reload changes later ones
        if (now.tls() != null) ch.pipeline().addLast(now.tls().newHandler(ch.alloc()));
        ch.pipeline()
                .addLast(new WriteTimeoutHandler(limits.writeTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new RequestTimeouts(limits, waiting))
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                .addLast(new HttpObjectAggregator(MAX_BODY))
                .addLast(new OneAtATime(limits.maxPipelined()))
                .addLast(HealthOnLoop.INSTANCE)
                .addLast(authGate) // bcrypt on a small pool of its own, never on the loop or the scrape threads
                .addLast(scrapeGroup, router); // scrapes read maps: keep them off the event loop
    }

    private void release(InetAddress from) {
        perAddress.computeIfPresent(from, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
