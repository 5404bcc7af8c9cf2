package dev.kprom.agent.libbpf;

/**
 * A libbpf or bpf(2) call failed. The message says what was done, to which object, program or map, and the
 * errno by name and number: {@code load execve.bpf.o: program tp_execve: EACCES (13): Permission denied}.
 */
public final class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public BpfException(String what, int errno) {
        this(what, errno, null);
    }

    public BpfException(String what, int errno, String detail) {
        super(what + ": " + Errno.describe(errno) + (detail == null || detail.isBlank() ? "" : "\n" + detail));
        this.errno = errno;
    }

    /** The positive errno. */
    public int errno() {
        return errno;
    }

    /** Throws for a libbpf int return below zero (libbpf 1.x returns -errno). */
    public static int check(int rc, String what) {
        if (rc < 0) throw new BpfException(what, -rc);
        return rc;
    }
}
