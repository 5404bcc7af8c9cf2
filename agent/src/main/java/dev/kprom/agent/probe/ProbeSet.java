package dev.kprom.agent.probe;

import dev.kprom.agent.bpf.BpfLink;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.bpf.BpfProgram;
import dev.kprom.agent.btf.KernelBtf;
import dev.kprom.agent.events.EventReader;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.status.EventStatus;
import dev.kprom.exporter.status.MapStatus;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.ProgramStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A running probe set: its loaded object, attached links, the collectors reading its maps, and its event readers. */
public final class ProbeSet implements AutoCloseable {
    /** An event stream and the reader draining its map into it. */
    public record Events(EventStream stream, EventReader reader) {}

    private final String name;
    private final String source;
    private final BpfObject object;
    private final List<BpfLink> links;
    private final List<AttachChoice> choices;
    private final List<ProgramStatus> iterators;
    private final List<MapMetricCollector> collectors;
    private final List<Events> events;
    /** The BTF its object was relocated against (btf_path, or the kernel's own). */
    private final String btf = KernelBtf.describe();

    ProbeSet(
            String name,
            String source,
            BpfObject object,
            List<BpfLink> links,
            List<AttachChoice> choices,
            List<ProgramStatus> iterators,
            List<MapMetricCollector> collectors,
            List<Events> events) {
        this.events = List.copyOf(events);
        this.name = name;
        this.source = source;
        this.object = object;
        this.links = List.copyOf(links);
        this.choices = List.copyOf(choices);
        this.iterators = List.copyOf(iterators);
        this.collectors = List.copyOf(collectors);
    }

    public String name() {
        return name;
    }

    /** Its loaded object; null for a probe set of foreign maps alone. */
    public BpfObject object() {
        return object;
    }

    public List<AttachChoice> choices() {
        return choices;
    }

    /** The attached programs, by program slot. */
    public Map<String, BpfProgram> programs() {
        Map<String, BpfProgram> programs = new LinkedHashMap<>();
        for (AttachChoice c : choices)
            if (c.attached()) programs.put(c.slot(), object.program(c.chosen().program()));
        return programs;
    }

    /** Every collector: the maps' and the event streams' metrics. */
    public List<MapMetricCollector> collectors() {
        List<MapMetricCollector> all = new ArrayList<>(collectors);
        for (Events e : events) all.addAll(e.stream().collectors());
        return all;
    }

    public List<Events> events() {
        return events;
    }

    /** What {@code /probes} shows: attach choices, skipped alternatives, iterators, and each map's last read. */
    public ProbeStatus status() {
        List<ProgramStatus> programs = new ArrayList<>();
        for (AttachChoice c : choices) {
            programs.add(new ProgramStatus(c.slot(), c.attached() ? c.chosen().program() : "", c.point(), c.skipped()));
        }
        programs.addAll(iterators);
        List<MapStatus> maps =
                collectors().stream().map(MapMetricCollector::status).toList();
        List<EventStatus> streams = events.stream()
                .map(e -> {
                    long received = 0, lost = 0, corrupt = 0;
                    for (EventReader.RingCounts c : e.reader().counts()) {
                        received += c.received();
                        lost += c.lost();
                        corrupt += c.corrupt();
                    }
                    return new EventStatus(e.stream().map(), received, lost, corrupt);
                })
                .toList();
        return new ProbeStatus(
                        name,
                        source,
                        object == null ? "(foreign maps)" : object.name(),
                        object == null || object.loaded(),
                        programs,
                        maps,
                        streams)
                .withBtf(btf);
    }

    /** Stops the event readers, detaches every link (in reverse order), then closes the object, unloading its programs. */
    @Override
    public void close() {
        for (int i = events.size() - 1; i >= 0; i--) events.get(i).reader().close();
        for (int i = links.size() - 1; i >= 0; i--) links.get(i).close();
        if (object != null) object.close();
    }
}
