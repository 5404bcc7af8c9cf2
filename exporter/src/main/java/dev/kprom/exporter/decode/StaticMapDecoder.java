package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code static_map}: the input text (usually from {@code uint}) looked up in {@code map}. A value not in the map
 * drops the series, unless {@code allow_unknown: true}, which keeps it as it came, or {@code unknown_prefix}, which
 * keeps it behind that prefix ({@code unknown_prefix: "unknown:"} makes 7 {@code unknown:7}, as ebpf_exporter's
 * static_map does).
 */
public final class StaticMapDecoder implements Decoder {
    private final Map<String, String> map;
    /** What a value not in the map is kept behind ({@code allow_unknown}: nothing); null: dropped. */
    private final byte[] unknownPrefix;

    public StaticMapDecoder(Map<String, String> map, boolean allowUnknown) {
        this(map, allowUnknown, null);
    }

    /** {@code unknownPrefix}: null to drop (or keep, with {@code allowUnknown}) values not in the map. */
    public StaticMapDecoder(Map<String, String> map, boolean allowUnknown, String unknownPrefix) {
        if (allowUnknown && unknownPrefix != null)
            throw new IllegalArgumentException("unknown_prefix: give allow_unknown or unknown_prefix, not both");
        if (map == null || map.isEmpty()) throw new IllegalArgumentException("map: static_map needs a non-empty map");
        map.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException(
                        "map: every entry needs a key and a value (got " + k + ": " + v + ")");
            }
        });
        this.map = Map.copyOf(map);
        this.unknownPrefix = allowUnknown ? new byte[0] : unknownPrefix == null ? null : Ints.text(unknownPrefix);
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        String mapped = map.get(new String(in, StandardCharsets.UTF_8));
        if (mapped != null) return Ints.text(mapped);
        if (unknownPrefix == null) return null;
        if (unknownPrefix.length == 0) return in;
        byte[] out = Arrays.copyOf(unknownPrefix, unknownPrefix.length + in.length);
        System.arraycopy(in, 0, out, unknownPrefix.length, in.length);
        return out;
    }
}
