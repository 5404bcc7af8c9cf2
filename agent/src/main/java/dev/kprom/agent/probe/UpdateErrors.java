package dev.kprom.agent.probe;

import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.bpf.MapReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object's {@code kprom_update_errors} map (probes/include/kprom.h): failed map updates, counted by the BPF
 * programs under the refusing map's name. Read at most once a second however many counters ask (one per map).
 */
public final class UpdateErrors {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateErrors.class);
    /** The map's name in kprom.h. */
    public static final String MAP = "kprom_update_errors";

    private static final int NAME_LEN = 32;
    private static final long REREAD_NANOS = 1_000_000_000L;
    private final MapReader reader;
    private Map<String, Long> counts = Map.of();
    private long readAt;
    private boolean read;

    private UpdateErrors(BpfMap map) {
        this.reader = map.reader();
    }

    /** The object's error counts, if it has kprom.h's map with the layout kprom.h gives it. */
    public static Optional<UpdateErrors> of(BpfObject object) {
        return object.maps().stream()
                .filter(m -> m.name().equals(MAP) && m.keySize() == NAME_LEN && m.valueSize() == 8)
                .findFirst()
                .map(UpdateErrors::new);
    }

    /** The maps to show a count for, refused updates or not: those a program can update, bar this one. */
    public static List<String> countedMaps(BpfObject object) {
        return object.maps().stream()
                .filter(m -> m.declaredByProbe() && !m.name().equals(MAP))
                .filter(m -> m.type().carriesOver() || m.type().mapOfMaps())
                .map(BpfMap::name)
                .toList();
    }

    /** Refused updates of {@code map} so far (as of the last read, at most a second ago). */
    public synchronized long count(String map) {
        long now = System.nanoTime();
        if (!read || now - readAt >= REREAD_NANOS) {
            readAt = now;
            read = true;
            try {
                counts = readAll();
            } catch (RuntimeException closedOrFailed) { // keep the last counts: a counter must not go back
                LOG.debug("read {}: {}", MAP, closedOrFailed.getMessage());
            }
        }
        return counts.getOrDefault(map, 0L);
    }

    private Map<String, Long> readAll() {
        Map<String, Long> next = new HashMap<>();
        reader.forEach((keys, keyOffset, values, valueOffset) -> {
            byte[] name = new byte[NAME_LEN];
            keys.get(keyOffset, name);
            int len = 0;
            while (len < NAME_LEN && name[len] != 0) len++;
            long n = values.getLong(valueOffset); // native order, as every visited buffer
            next.merge(new String(name, 0, len, StandardCharsets.UTF_8), n, Long::sum);
        });
        return next;
    }
}
