package dev.kprom.agent.probe;

import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.MapType;
import dev.kprom.agent.events.EventReader;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.spec.EventStreamSpec;
import java.time.Duration;

/** An event stream of a probe set, bound to its map: what {@link #start()} drains into the stream's metrics. */
record EventSource(EventStreamSpec spec, BpfMap map, EventStream stream) {
    /** Starts draining (the object is loaded): a perf ring and thread per online CPU, or one ring buffer thread. */
    EventReader start() {
        EventReader.Options options = new EventReader.Options(spec.pages(), Duration.ofMillis(spec.intervalMs()));
        return map.type() == MapType.PERF_EVENT_ARRAY
                ? EventReader.perfEventArray(map, options, stream)
                : EventReader.ringBuffer(map, options, stream);
    }
}
