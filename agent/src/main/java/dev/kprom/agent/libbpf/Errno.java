package dev.kprom.agent.libbpf;

/** Formats errno values as {@code NAME (number): description}, the way every kprom error reports them. */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOPNOTSUPP = 95;
    /** Kernel-internal "not supported", leaked by bpf(2) for some map types; glibc has no name for it. */
    public static final int ENOTSUPP = 524;

    /** "EPERM (1)". */
    public static String name(int errno) {
        String name = errno == ENOTSUPP ? "ENOTSUPP" : LibC.strerrorname_np(errno);
        return (name != null ? name : "errno") + " (" + errno + ")";
    }

    /** "EPERM (1): Operation not permitted". */
    public static String describe(int errno) {
        String text = errno == ENOTSUPP ? "Operation not supported" : LibC.strerror(errno);
        return name(errno) + ": " + text;
    }
}
