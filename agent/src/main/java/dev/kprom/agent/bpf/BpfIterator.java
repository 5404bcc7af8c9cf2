package dev.kprom.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.agent.libbpf.Libbpf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An attached iterator program ({@code SEC("iter/...")}): each {@link #read} creates an instance from its link
 * ({@code bpf_iter_create}) and reads what the program wrote until the end. Reads and {@link #close()} are
 * serialised, so a read never creates an instance from a closed link's fd.
 */
public final class BpfIterator implements AutoCloseable {
    private static final int CHUNK = 64 << 10;

    private final String what;
    private BpfLink link;
    private Memory chunk;
    private byte[] data = new byte[0];

    /** Attaches {@code program}, a loaded iterator program; {@code what} names it in messages. */
    public BpfIterator(BpfProgram program, String what) {
        this.link = program.attachIter();
        this.what = what;
    }

    public String description() {
        return link == null ? what : link.description();
    }

    /**
     * One run of the iterator, to its end: the bytes, in native order, valid until the next read. Fails past
     * {@code maxBytes} rather than return a part.
     */
    public synchronized ByteBuffer read(long maxBytes) {
        if (link == null) throw new IllegalStateException(what + " is not attached");
        int fd = Libbpf.bpf_iter_create(link.fd());
        if (fd < 0) throw new BpfException("bpf_iter_create for " + what, -fd);
        try {
            if (chunk == null) chunk = new Memory(CHUNK);
            int size = 0;
            while (true) {
                long n = LibC.read(fd, chunk, CHUNK);
                if (n < 0) {
                    int errno = Native.getLastError();
                    if (errno == Errno.EINTR || errno == Errno.EAGAIN) continue;
                    throw new BpfException("read " + what, errno);
                }
                if (n == 0) return ByteBuffer.wrap(data, 0, size).slice().order(ByteOrder.nativeOrder());
                if (size + n > maxBytes) {
                    throw new IllegalStateException(what + " wrote more than its max_bytes, " + maxBytes
                            + " bytes; raise max_bytes or filter in the program");
                }
                if (size + n > data.length)
                    data = Arrays.copyOf(data, (int) Math.min(maxBytes, Math.max(size + n, data.length * 2L)));
                chunk.read(0, data, size, (int) n);
                size += (int) n;
            }
        } finally {
            LibC.close(fd);
        }
    }

    /** A link that detaches this iterator when closed: what a probe set keeps with its other links. */
    public BpfLink asLink() {
        return new BpfLink(this::close, description());
    }

    /** Detaches: the link goes, and with it the buffers. */
    @Override
    public synchronized void close() {
        if (link != null) link.close();
        link = null;
        if (chunk != null) chunk.close();
        chunk = null;
        data = new byte[0];
    }
}
