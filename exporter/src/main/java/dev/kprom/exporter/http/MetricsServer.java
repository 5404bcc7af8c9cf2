package dev.kprom.exporter.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code /metrics} and {@code /} over HTTP with Netty (native epoll where available). */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup scrapeGroup;
    private final Channel channel;
    private final ChannelGroup connections;

    private MetricsServer(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup scrapeGroup, Channel channel,
                          ChannelGroup connections) {
        this.boss = boss;
        this.workers = workers;
        this.scrapeGroup = scrapeGroup;
        this.channel = channel;
        this.connections = connections;
    }

    /** Binds and starts serving; port 0 picks a free port (see {@link #address()}). */
    public static MetricsServer start(InetSocketAddress address, Routes routes) throws InterruptedException {
        return start(address, routes, HttpOptions.PLAIN);
    }

    public static MetricsServer start(InetSocketAddress address, Routes routes, HttpLimits limits) throws InterruptedException {
        return start(address, routes, new HttpOptions(limits, null, null));
    }

    public static MetricsServer start(InetSocketAddress address, Routes routes, HttpOptions options) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory("kprom-http-accept"))
                : new NioEventLoopGroup(1, new DefaultThreadFactory("kprom-http-accept"));
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory("kprom-http-io"))
                : new NioEventLoopGroup(1, new DefaultThreadFactory("kprom-http-io"));
        EventExecutorGroup scrapeGroup = new DefaultEventExecutorGroup(2, new DefaultThreadFactory("kprom-scrape"));
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        MetricsHandler handler = new MetricsHandler(routes, options.auth());
        ChannelGroup connections = new DefaultChannelGroup("kprom-http", GlobalEventExecutor.INSTANCE);
        try {
            Channel channel = new ServerBootstrap().group(boss, workers).channel(channelClass)
                    .childHandler(new MetricsServerInitializer(scrapeGroup, handler, connections, options))
                    .bind(address).sync().channel();
            LOG.info("serving /metrics on {}://{} ({}{})", options.tls() != null ? "https" : "http",
                    format((InetSocketAddress) channel.localAddress()), epoll ? "epoll" : "nio",
                    options.auth() != null ? ", basic auth" : "");
            return new MetricsServer(boss, workers, scrapeGroup, channel, connections);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            scrapeGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
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
        var stopping = List.of(boss.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS),
                workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS),
                scrapeGroup.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS));
        stopping.forEach(f -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
    }
}
