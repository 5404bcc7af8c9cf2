package dev.kprom.exporter.status;

import java.util.List;

/**
 * A probe set as {@code /probes} shows it: {@code up} while attached; {@code required} ones must be up for
 * {@code /readyz}; {@code error} says why it is down, or why its configured version is not the one running
 * (null when all is well), and {@code failures} how often it failed so far.
 */
public record ProbeStatus(
        String name,
        String source,
        String object,
        boolean up,
        List<ProgramStatus> programs,
        List<MapStatus> maps,
        boolean required,
        String error,
        long failures) {
    public ProbeStatus {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
    }

    /** A running probe set with nothing to report. */
    public ProbeStatus(
            String name, String source, String object, boolean up, List<ProgramStatus> programs, List<MapStatus> maps) {
        this(name, source, object, up, programs, maps, false, null, 0);
    }
}
