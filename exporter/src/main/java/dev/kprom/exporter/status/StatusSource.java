package dev.kprom.exporter.status;

import java.util.List;

/** The daemon's state, as the HTTP server reports it. */
public interface StatusSource {
    /** Ready, with no probe sets: a server with nothing behind it to wait for. */
    StatusSource ALWAYS_READY = new StatusSource() {
        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public List<ProbeStatus> probes() {
            return List.of();
        }
    };

    /** Config loaded and every probe set attached. */
    boolean ready();

    List<ProbeStatus> probes();

    /** The configuration's last load or reload (null: not known here). */
    default ReloadStatus lastReload() {
        return null;
    }
}
