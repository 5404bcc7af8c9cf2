package dev.kprom.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on loopback to a local port that a test can cut (its connections closed, new ones refused: a
 * network partition) and restore on the same port, the server behind it untouched.
 */
public final class TcpProxy implements AutoCloseable {
    private final int target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    public TcpProxy(int target) {
        this.target = target;
        this.port = listen(0);
    }

    public int port() {
        return port;
    }

    private int listen(int at) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), at));
            listener = s;
            daemon(() -> accept(s), "tcp-proxy-accept");
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(server);
                daemon(() -> pump(client, server), "tcp-proxy-up");
                daemon(() -> pump(server, client), "tcp-proxy-down");
            } catch (IOException e) {
                return; // cut
            }
        }
    }

    private void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // cut, or the other side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    /** Resets every connection (RST, as a peer that went away) and refuses new ones. */
    public void cut() throws IOException {
        listener.close();
        for (Socket s : Set.copyOf(open)) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException closed) {
                // closed meanwhile
            }
            close(s);
        }
    }

    /** Accepts connections again, on the same port. */
    public void restore() {
        listen(port);
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
