package dev.kprom.exporter.status;

import java.util.List;

/** The daemon's state, as the HTTP server reports it. */
public interface StatusSource {
    /** Config loaded and every probe set attached. */
    boolean ready();

    List<ProbeStatus> probes();
}
