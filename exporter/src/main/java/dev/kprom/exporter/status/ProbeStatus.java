package dev.kprom.exporter.status;

import java.util.List;

/**
 * A probe set as {@code /probes} shows it: {@code up} while attached; {@code required} ones must be up for
 * {@code /readyz}; {@code error} says why it is down, or why its configured version is not the one running
 * (null when all is well), and {@code failures} how often it failed so far; {@code events}: its event maps;
 * {@code btf}: the BTF its object was relocated against (null while it is down).
 */
public record ProbeStatus(
        String name,
        String source,
        String object,
        boolean up,
        List<ProgramStatus> programs,
        List<MapStatus> maps,
        List<EventStatus> events,
        boolean required,
        String error,
        long failures,
        String btf) {
    public ProbeStatus {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        events = List.copyOf(events);
    }

    /** A running probe set with nothing to report. */
    public ProbeStatus(
            String name,
            String source,
            String object,
            boolean up,
            List<ProgramStatus> programs,
            List<MapStatus> maps,
            List<EventStatus> events) {
        this(name, source, object, up, programs, maps, events, false, null, 0, null);
    }

    /** The same probe set as the supervisor sees it: required or not, why it is down, failures so far. */
    public ProbeStatus supervised(boolean required, String error, long failures) {
        return new ProbeStatus(name, source, object, up, programs, maps, events, required, error, failures, btf);
    }

    /** The same, relocated against {@code btf}. */
    public ProbeStatus withBtf(String btf) {
        return new ProbeStatus(name, source, object, up, programs, maps, events, required, error, failures, btf);
    }
}
