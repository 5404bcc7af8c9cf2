package dev.kprom.exporter.http;

import io.netty.channel.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's connections that are not being served (not yet sent a whole request, or idle between requests),
 * with when they began to wait. When every connection is taken, a new one takes the place of the one that has
 * waited longest: silent or idle sockets, however many and from however many addresses, cannot lock out a client
 * that sends its request as soon as it connects, as Prometheus does.
 */
final class WaitingConnections {
    private final Map<Channel, Long> since = new ConcurrentHashMap<>();

    void waiting(Channel channel) {
        since.put(channel, System.nanoTime());
    }

    void serving(Channel channel) {
        since.remove(channel);
    }

    /** Closes the connection that has waited longest; false when none waits (every one is being served). */
    boolean closeLongestWaiting() {
        while (true) {
            Map.Entry<Channel, Long> oldest = null;
            for (Map.Entry<Channel, Long> e : since.entrySet()) {
                if (oldest == null || e.getValue() - oldest.getValue() < 0) oldest = e;
            }
            if (oldest == null) return false;
            if (since.remove(oldest.getKey(), oldest.getValue())) { // not taken by a request meanwhile
                oldest.getKey().close();
                return true;
            }
        }
    }
}
