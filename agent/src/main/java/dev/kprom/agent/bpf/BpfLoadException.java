package dev.kprom.agent.bpf;

import dev.kprom.agent.libbpf.BpfException;
import java.util.Optional;

/** {@code bpf_object__load} failed; carries the program libbpf named (if any) and the last lines of its log. */
public final class BpfLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String program;
    private final int errno;
    private final String summary;

    BpfLoadException(String what, int errno, String program, String verdict, String logTail) {
        super(new BpfException(what, errno, logTail).getMessage());
        this.program = program;
        this.errno = errno;
        this.summary =
                new BpfException(what, errno).getMessage() + (verdict == null ? "" : " (verifier: " + verdict + ")");
    }

    /** One line: what failed, the errno, and the verifier's verdict when there is one. */
    public String summary() {
        return summary;
    }

    /** The program whose load failed (verifier rejection, EPERM for fentry, ...), when libbpf said which. */
    public Optional<String> program() {
        return Optional.ofNullable(program);
    }

    public int errno() {
        return errno;
    }
}
