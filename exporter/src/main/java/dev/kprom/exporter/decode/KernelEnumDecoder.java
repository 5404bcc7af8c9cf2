package dev.kprom.exporter.decode;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code kernel_enum}: a value of one of the kernel's enums ({@code type: skb_drop_reason}) as its name, from the
 * running kernel's own BTF, so that it is right on every kernel version whatever the numbering: 3 is
 * {@code NO_SOCKET} where {@code SKB_DROP_REASON_NO_SOCKET = 3}. The prefix most names share is left out of those
 * that have it ({@code SKB_NOT_DROPPED_YET} stays whole); a value the enum does not have stays a number.
 */
public final class KernelEnumDecoder implements Decoder {
    private final Map<Long, String> names;

    public KernelEnumDecoder(Path btf, String type) {
        if (type == null || type.isBlank())
            throw new IllegalArgumentException("type: kernel_enum needs the enum's name");
        Map<Long, String> values = BtfEnums.read(btf, type);
        String prefix = commonPrefix(values.values());
        this.names = new HashMap<>();
        values.forEach((v, n) -> names.put(v, n.startsWith(prefix) ? n.substring(prefix.length()) : n));
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        long v = Ints.signed(in);
        String name = names.get(v);
        return name != null ? Ints.text(name) : Ints.text(v);
    }

    /** The longest prefix ending in an underscore that more than half the names share ("SKB_DROP_REASON_"). */
    static String commonPrefix(Collection<String> names) {
        Map<String, Integer> counts = new HashMap<>();
        for (String n : names) {
            for (int i = n.indexOf('_'); i >= 0; i = n.indexOf('_', i + 1))
                counts.merge(n.substring(0, i + 1), 1, Integer::sum);
        }
        String best = "";
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() * 2 > names.size() && e.getKey().length() > best.length()) best = e.getKey();
        }
        return best;
    }
}
