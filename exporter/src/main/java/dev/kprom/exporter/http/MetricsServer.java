package dev.kprom.exporter.http;

import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.exposition.TableCollector;
import dev.kprom.exporter.status.StatusSource;
import io.micrometer.core.instrument.Timer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: Netty (native epoll where available), one accept thread, one I/O thread, two scrape threads. */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    /**
     * Bytes a connection may have queued for writing before it stops being writable: the event stream waits
     * (dropping lines past its bound) until a slow reader takes them; a whole response is written at once, and a
     * client that does not read it is closed by the write timeout.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup scrapeGroup;
    private final AuthGate authGate;
    private final Channel channel;
    private final ChannelGroup connections;
    private final AtomicReference<HttpOptions> options;

    private MetricsServer(
            EventLoopGroup boss,
            EventLoopGroup workers,
            EventExecutorGroup scrapeGroup,
            AuthGate authGate,
            Channel channel,
            ChannelGroup connections,
            AtomicReference<HttpOptions> options) {
        this.boss = boss;
        this.workers = workers;
        this.scrapeGroup = scrapeGroup;
        this.authGate = authGate;
        this.channel = channel;
        this.connections = connections;
        this.options = options;
    }

    /** Starts describing a server over {@code registry}; {@link Builder#start} binds it. */
    public static Builder builder(PrometheusRegistry registry) {
        return new Builder(registry);
    }

    /**
     * What the server serves, one handler per path: {@code /metrics} (the registry; {@code tables} are its
     * collectors that the text formats write as series tables), {@code /} (the landing page), {@code /healthz},
     * {@code /readyz} and {@code /probes} (the daemon's status), and, when set, the event path.
     */
    public static final class Builder {
        private final PrometheusRegistry registry;
        private Supplier<List<TableCollector>> tables = List::of;
        private Supplier<LandingPage> landing = () -> new LandingPage("unknown");
        private StatusSource status = StatusSource.ALWAYS_READY;
        private Timer scrapeDuration;
        private String eventsPath;
        private Supplier<Map<String, List<EventStream>>> events = Map::of;
        private final AtomicReference<HttpOptions> options = new AtomicReference<>(HttpOptions.PLAIN);
        private Reloader reloader;

        private Builder(PrometheusRegistry registry) {
            this.registry = registry;
        }

        /** The registry's collectors that the text formats take as series tables (see {@link TableScrape}). */
        public Builder tables(List<? extends TableCollector> tables) {
            List<TableCollector> fixed = List.copyOf(tables);
            this.tables = () -> fixed;
            return this;
        }

        /** Tables that change as probe sets come and go: asked for afresh at each scrape. */
        public Builder tables(Supplier<List<TableCollector>> tables) {
            this.tables = tables;
            return this;
        }

        public Builder landing(LandingPage landing) {
            this.landing = () -> landing;
            return this;
        }

        /** A landing page made afresh for each request (probe sets and TLS change with reloads). */
        public Builder landing(Supplier<LandingPage> landing) {
            this.landing = landing;
            return this;
        }

        public Builder status(StatusSource status) {
            this.status = status;
            return this;
        }

        /** Times each scrape of {@code /metrics}. */
        public Builder scrapeDuration(Timer timer) {
            this.scrapeDuration = timer;
            return this;
        }

        /** Serves each probe set's event streams as live NDJSON at {@code path} (null: no event path). */
        public Builder events(String path, Map<String, List<EventStream>> streams) {
            Map<String, List<EventStream>> fixed = Map.copyOf(streams);
            return events(path, () -> fixed);
        }

        /** The event path over streams that change as probe sets come and go (asked for at each request). */
        public Builder events(String path, Supplier<Map<String, List<EventStream>>> streams) {
            this.eventsPath = path;
            this.events = streams;
            return this;
        }

        public Builder options(HttpOptions options) {
            this.options.set(options);
            return this;
        }

        /**
         * {@code POST /-/reload} runs {@code reloader} (null: the path answers 403, as Prometheus does with its
         * lifecycle API off).
         */
        public Builder reload(Reloader reloader) {
            this.reloader = reloader;
            return this;
        }

        /** The request handler alone, for a test's channel. */
        Router router() {
            Map<String, PathHandler> paths = new HashMap<>();
            paths.put("/metrics", new MetricsPath(registry, tables, scrapeDuration));
            paths.put("/", new StatusPage(landing, status, System::nanoTime));
            paths.put("/healthz", StatusPaths.health());
            paths.put("/readyz", StatusPaths.ready(status));
            paths.put("/probes", StatusPaths.probes(status));
            paths.put("/-/reload", new ReloadPath(reloader));
            if (eventsPath != null) paths.put(eventsPath, new EventsPath(events));
            return new Router(paths);
        }

        /** Basic auth for every path but the health checks, with the users of the options now. */
        AuthGate authGate() {
            return new AuthGate(
                    Set.of("/healthz", "/readyz"), () -> options.get().auth());
        }

        /** Binds and starts serving; port 0 picks a free port (see {@link #address()}). */
        public MetricsServer start(InetSocketAddress address) throws InterruptedException {
            return MetricsServer.start(address, router(), authGate(), options);
        }
    }

    private static MetricsServer start(
            InetSocketAddress address, Router router, AuthGate authGate, AtomicReference<HttpOptions> options)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = epoll
                ? new EpollEventLoopGroup(1, new DefaultThreadFactory("kprom-http-accept"))
                : new NioEventLoopGroup(1, new DefaultThreadFactory("kprom-http-accept"));
        EventLoopGroup workers = epoll
                ? new EpollEventLoopGroup(1, new DefaultThreadFactory("kprom-http-io"))
                : new NioEventLoopGroup(1, new DefaultThreadFactory("kprom-http-io"));
        EventExecutorGroup scrapeGroup = new DefaultEventExecutorGroup(2, new DefaultThreadFactory("kprom-scrape"));
        Class<? extends ServerChannel> channelClass =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ChannelGroup connections = new DefaultChannelGroup("kprom-http", GlobalEventExecutor.INSTANCE);
        try {
            Channel channel = bind(
                    new ServerBootstrap()
                            .group(boss, workers)
                            .channel(channelClass)
                            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                            .childHandler(
                                    new MetricsServerInitializer(scrapeGroup, authGate, router, connections, options)),
                    address);
            LOG.info(
                    "serving /metrics on {}://{} ({}{})",
                    options.get().tls() != null ? "https" : "http",
                    format((InetSocketAddress) channel.localAddress()),
                    epoll ? "epoll" : "nio",
                    options.get().auth() != null ? ", basic auth" : "");
            return new MetricsServer(boss, workers, scrapeGroup, authGate, channel, connections, options);
        } catch (RuntimeException | InterruptedException e) { // nothing of a server that did not start stays
            authGate.close();
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            scrapeGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Binds, or says which address could not be bound and why (in use, not an address of this host, no permission
     * for a port below 1024) as an IllegalStateException: Netty rethrows the kernel's error unchecked.
     */
    private static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address) throws InterruptedException {
        ChannelFuture bound = bootstrap.bind(address).await();
        if (bound.isSuccess()) return bound.channel();
        Throwable cause = bound.cause();
        throw new IllegalStateException("cannot listen on " + format(address) + ": " + cause.getMessage(), cause);
    }

    /**
     * TLS and basic auth from now on (a reloaded web config): connections that come later use the new TLS
     * context, requests the new users; connections already open keep their TLS session. Limits stay as started.
     */
    public void options(HttpOptions next) {
        options.set(new HttpOptions(options.get().limits(), next.tls(), next.auth()));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    private static String format(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /**
     * Stops accepting, closes open connections while every executor still runs (a connection's pipeline spans the
     * I/O loop and the scrape executors), then stops the executors.
     */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        // All three at once, with a quiet period: closing pipelines still hop between them for a moment.
        var stopping = List.of(
                boss.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS),
                workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS),
                scrapeGroup.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS));
        stopping.forEach(f -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
        authGate.close();
    }
}
