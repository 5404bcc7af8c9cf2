package dev.kprom.agent.probe;

/** A probe set could not be brought up; the message names the probe set, its file, and what failed. */
public final class ProbeSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProbeSetException(String message, Throwable cause) {
        super(message, cause);
    }

    public ProbeSetException(String message) {
        super(message);
    }
}
