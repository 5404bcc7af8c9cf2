package dev.kprom.agent.events;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;

/**
 * Where one drain thread sleeps between drains: an epoll instance watching the reader's wake eventfd and, when
 * the ring has one, the ring's fd (a perf ring's watermark, a ring buffer's notifications). Both stay registered
 * across waits, where poll(2) would add and remove wait-queue entries at every one: a busy ring waits a thousand
 * times a second.
 */
final class Waiter implements AutoCloseable {
    /** struct epoll_event: u32 events, u64 data; 12 bytes packed on x86-64, 16 elsewhere. Room for two. */
    private static final int EVENTS_SIZE = 32;

    private final int epfd;
    private final boolean watchesRing;
    private final Memory events = new Memory(EVENTS_SIZE);

    private Waiter(int epfd, boolean watchesRing) {
        this.epfd = epfd;
        this.watchesRing = watchesRing;
    }

    /** Watches {@code wakeFd} and, unless it is negative, {@code ringFd}; {@code what} names the ring in errors. */
    static Waiter open(String what, int wakeFd, int ringFd) {
        int epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (epfd < 0) throw new BpfException("epoll_create1 for " + what, Native.getLastError());
        try {
            add(epfd, wakeFd, what + ": its wake eventfd");
            if (ringFd >= 0) add(epfd, ringFd, what);
        } catch (RuntimeException e) {
            LibC.close(epfd);
            throw e;
        }
        return new Waiter(epfd, ringFd >= 0);
    }

    private static void add(int epfd, int fd, String what) {
        try (Memory event = new Memory(16)) {
            event.clear();
            event.setInt(0, LibC.EPOLLIN);
            if (LibC.epoll_ctl(epfd, LibC.EPOLL_CTL_ADD, fd, event) < 0) {
                throw new BpfException("epoll_ctl(EPOLL_CTL_ADD) for " + what, Native.getLastError());
            }
        }
    }

    /** Whether the ring itself can wake the thread (else only the timeout and close do). */
    boolean watchesRing() {
        return watchesRing;
    }

    /** Sleeps until a watched fd is readable or {@code timeoutMs} pass; returns the errno of a failed wait, else 0. */
    int await(int timeoutMs) {
        if (LibC.epoll_wait(epfd, events, 2, timeoutMs) >= 0) return 0;
        int errno = Native.getLastError();
        return errno == Errno.EINTR ? 0 : errno;
    }

    @Override
    public void close() {
        LibC.close(epfd);
        events.close();
    }
}
