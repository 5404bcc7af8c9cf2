package dev.kprom.agent.probe;

import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a probe set being loaded takes over kernel maps that outlive a version of it, so that its counters carry on:
 * on a reload, the maps of the version running now ({@code running}, by name); with pinning on ({@code pinDir}),
 * the maps pinned at {@code <pinDir>/<probe set>/<map>} by an earlier kprom, across restarts and upgrades. Only
 * a map of the same type, sizes, entries and flags is taken over; any other starts empty (a pin that no longer
 * fits is replaced, and the log says why).
 */
public record MapCarryOver(Map<String, BpfMap> running, Path pinDir) {
    private static final Logger LOG = LoggerFactory.getLogger(MapCarryOver.class);
    public static final MapCarryOver NONE = new MapCarryOver(Map.of(), null);

    public MapCarryOver {
        running = Map.copyOf(running);
    }

    /** Where a probe set's maps are pinned (null: pinning is off). */
    public Path pinsOf(String probe) {
        return pinDir == null ? null : pinDir.resolve(probe);
    }

    /** Arranges, before {@code object} loads, which of its maps take over a live or pinned map. */
    void apply(String probe, BpfObject object) {
        for (BpfMap m : object.maps()) {
            if (!m.declaredByProbe() || !m.type().carriesOver())
                continue; // .rodata, .bss, libbpf's; rings; maps of maps
            if (pinDir != null) {
                pin(probe, m);
                continue;
            }
            BpfMap live = running.get(m.name());
            if (live == null) continue;
            Optional<String> misfit = m.incompatibleWith(live);
            if (misfit.isEmpty()) {
                m.reuse(live);
                LOG.info("probe set {}: map {} carries over from the running version", probe, m.name());
            } else {
                LOG.info(
                        "probe set {}: map {} starts empty: the running version's does not fit ({})",
                        probe,
                        m.name(),
                        misfit.get());
            }
        }
    }

    private void pin(String probe, BpfMap m) {
        Path pin = pinsOf(probe).resolve(m.name());
        try {
            Files.createDirectories(pin.getParent());
            if (Files.exists(pin)) {
                Optional<String> misfit;
                try (BpfMap pinned = BpfMap.openPinned(pin)) {
                    misfit = m.incompatibleWith(pinned);
                }
                if (misfit.isPresent()) {
                    Files.delete(pin);
                    LOG.warn(
                            "probe set {}: map {} pinned at {} no longer fits ({}): replaced by an empty one",
                            probe,
                            m.name(),
                            pin,
                            misfit.get());
                } else {
                    LOG.info("probe set {}: map {} carries on from {}", probe, m.name(), pin);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("pin map " + m.name() + " of probe set " + probe + " at " + pin, e);
        }
        m.setPinPath(pin);
    }
}
