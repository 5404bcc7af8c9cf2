package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code static_map}: the input text (usually from {@code uint}) looked up in {@code map}. A value not in the map
 * drops the series, unless {@code allow_unknown: true}, which keeps it as it came.
 */
public final class StaticMapDecoder implements Decoder {
    private final Map<String, String> map;
    private final boolean allowUnknown;

    public StaticMapDecoder(Map<String, String> map, boolean allowUnknown) {
        if (map == null || map.isEmpty()) throw new IllegalArgumentException("map: static_map needs a non-empty map");
        map.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException(
                        "map: every entry needs a key and a value (got " + k + ": " + v + ")");
            }
        });
        this.map = Map.copyOf(map);
        this.allowUnknown = allowUnknown;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        String mapped = map.get(new String(in, StandardCharsets.UTF_8));
        if (mapped != null) return Ints.text(mapped);
        return allowUnknown ? in : null;
    }
}
