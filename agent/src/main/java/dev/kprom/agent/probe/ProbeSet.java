package dev.kprom.agent.probe;

import dev.kprom.agent.bpf.BpfLink;
import dev.kprom.agent.bpf.BpfObject;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.util.List;

/** A running probe set: its loaded object, attached links and the collectors reading its maps. */
public final class ProbeSet implements AutoCloseable {
    private final String name;
    private final BpfObject object;
    private final List<BpfLink> links;
    private final List<AttachChoice> choices;
    private final List<MultiCollector> collectors;

    ProbeSet(String name, BpfObject object, List<BpfLink> links, List<AttachChoice> choices, List<MultiCollector> collectors) {
        this.name = name;
        this.object = object;
        this.links = List.copyOf(links);
        this.choices = List.copyOf(choices);
        this.collectors = List.copyOf(collectors);
    }

    public String name() {
        return name;
    }

    public BpfObject object() {
        return object;
    }

    public List<AttachChoice> choices() {
        return choices;
    }

    public List<MultiCollector> collectors() {
        return collectors;
    }

    /** Detaches every link (in reverse order), then closes the object, unloading its programs. */
    @Override
    public void close() {
        for (int i = links.size() - 1; i >= 0; i--) links.get(i).close();
        object.close();
    }
}
