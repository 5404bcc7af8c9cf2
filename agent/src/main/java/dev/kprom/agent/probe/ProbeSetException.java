package dev.kprom.agent.probe;

/**
 * A probe set could not be brought up; the message names the probe set, its file, and what failed. {@link #reason()}
 * sorts failures for {@code kprom_probe_failures_total}: {@code attach} (no alternative of a program slot works on
 * this kernel) or {@code load} (the object, the verifier, a map or a ring refused).
 */
public final class ProbeSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public ProbeSetException(String message, Throwable cause) {
        super(message, cause);
        this.reason = "load";
    }

    public ProbeSetException(String message) {
        this("load", message);
    }

    public ProbeSetException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
