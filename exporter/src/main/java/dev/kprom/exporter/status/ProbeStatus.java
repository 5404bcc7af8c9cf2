package dev.kprom.exporter.status;

import java.util.List;

/** A probe set as {@code /probes} shows it. */
public record ProbeStatus(
        String name, String source, String object, boolean up, List<ProgramStatus> programs, List<MapStatus> maps) {
    public ProbeStatus {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
    }
}
