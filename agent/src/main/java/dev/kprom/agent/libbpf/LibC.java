package dev.kprom.agent.libbpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** The few glibc functions kprom needs, bound with JNA direct mapping; each is the C function of the same name. */
public final class LibC {
    private LibC() {}

    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    /** glibc >= 2.32: "EPERM" for 1; NULL for numbers it has no name for. */
    public static native String strerrorname_np(int errnum);

    public static native String strerror(int errnum);

    public static native int vsnprintf(byte[] str, long size, Pointer format, Pointer ap);

    public static native int mount(String source, String target, String filesystemtype, long mountflags, Pointer data);

    public static native int close(int fd);

    public static native long read(int fd, Pointer buf, long count);

    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 02000000;

    public static native int open(String path, int flags);

    public static native int geteuid();

    public static native int getpagesize();

    // Memory maps of perf and BPF ring buffers. mmap returns MAP_FAILED ((void *) -1) on error.
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;

    public static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    public static native int munmap(Pointer addr, long length);

    /** Variadic in C; every request kprom makes takes one integer argument, passed in the same register. */
    public static native int ioctl(int fd, long request, long arg);

    /** Variadic in C; bound with the argument list of perf_event_open(2), the one syscall kprom makes this way. */
    public static native int syscall(long number, Pointer attr, int pid, int cpu, int group_fd, long flags);

    public static final long SYS_perf_event_open =
            switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> 298;
                case "aarch64", "arm64" -> 241;
                default -> -1; // perf events refused with ENOSYS below
            };
    public static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;

    /** perf_event_open(2), which glibc does not wrap: a file descriptor, or -1 with errno set. */
    public static int perf_event_open(Pointer attr, int pid, int cpu, int group_fd, long flags) {
        return SYS_perf_event_open < 0 ? -1 : syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
    }

    // Waiting for a ring to fill, or for close() to wake a drain thread.
    public static final int EFD_CLOEXEC = 02000000;
    public static final int EPOLL_CLOEXEC = 02000000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLLIN = 1;

    public static native int epoll_create1(int flags);

    public static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    public static native int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

    public static native int eventfd(int initval, int flags);

    public static native long write(int fd, Pointer buf, long count);
}
