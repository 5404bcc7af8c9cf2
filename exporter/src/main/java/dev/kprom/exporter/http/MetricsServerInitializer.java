package dev.kprom.exporter.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.atomic.AtomicReference;

/** The pipeline only: HTTP codec, a small aggregator (no request bodies here), and the handler off the I/O loop. */
final class MetricsServerInitializer extends ChannelInitializer<SocketChannel> {
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_BODY = 8192;

    private final EventExecutorGroup scrapeGroup;
    private final Router router;
    private final ChannelGroup connections;
    private final HttpLimits limits;
    private final AtomicReference<HttpOptions> options;

    MetricsServerInitializer(
            EventExecutorGroup scrapeGroup,
            Router router,
            ChannelGroup connections,
            AtomicReference<HttpOptions> options) {
        this.scrapeGroup = scrapeGroup;
        this.router = router;
        this.connections = connections;
        this.limits = options.get().limits();
        this.options = options;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (connections.size() >= limits.maxConnections()) {
            ch.close(); // over the cap: refuse at once rather than queue
            return;
        }
        connections.add(ch); // removed by the group itself when the channel closes
        HttpOptions now = options.get(); // TLS as configured when this connection came: a reload changes later ones
        if (now.tls() != null) ch.pipeline().addLast(now.tls().newHandler(ch.alloc()));
        ch.pipeline()
                .addLast(new RequestTimeouts(limits))
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                .addLast(new HttpObjectAggregator(MAX_BODY))
                .addLast(scrapeGroup, router); // scrapes read maps: keep them off the event loop
    }
}
