package dev.kprom.exporter.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enums of a BTF blob (the kernel's is /sys/kernel/btf/vmlinux), read in plain Java: each enum's values by
 * their names. Only what finding enums needs is understood: every kind's size, to walk past it. An enum is read
 * once per process: checking a config builds its decoders and loading it builds them again, and the kernel's BTF
 * (several MiB) does not change while it runs.
 */
final class BtfEnums {
    private static final int MAGIC = 0xeb9f;
    private static final int KIND_ENUM = 6;
    private static final int KIND_ENUM64 = 19;

    private BtfEnums() {}

    private static final Map<String, Map<Long, String>> READ = new ConcurrentHashMap<>();

    /** The values of enum {@code name} in {@code btf}, by value: their names. */
    static Map<Long, String> read(Path btf, String name) {
        return READ.computeIfAbsent(btf + "\0" + name, k -> Map.copyOf(readFile(btf, name)));
    }

    private static Map<Long, String> readFile(Path btf, String name) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(btf);
        } catch (IOException e) {
            throw new IllegalArgumentException("type: cannot read " + btf + " (" + e.getMessage() + ")");
        }
        return parse(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), name, btf.toString());
    }

    static Map<Long, String> parse(ByteBuffer b, String name, String what) {
        try {
            if ((b.getShort(0) & 0xffff) != MAGIC) throw new IllegalArgumentException("not BTF (bad magic)");
            int hdrLen = b.getInt(4);
            int typeOff = hdrLen + b.getInt(8);
            int typeEnd = typeOff + b.getInt(12);
            int strOff = hdrLen + b.getInt(16);
            for (int at = typeOff; at < typeEnd; ) {
                int nameOff = b.getInt(at);
                int info = b.getInt(at + 4);
                int vlen = info & 0xffff;
                int kind = (info >>> 24) & 0x1f;
                at += 12;
                if ((kind == KIND_ENUM || kind == KIND_ENUM64) && name.equals(string(b, strOff + nameOff))) {
                    Map<Long, String> values = new HashMap<>();
                    for (int i = 0; i < vlen; i++) {
                        String n = string(b, strOff + b.getInt(at));
                        long v = kind == KIND_ENUM
                                ? b.getInt(at + 4)
                                : (b.getInt(at + 4) & 0xffffffffL) | ((long) b.getInt(at + 8) << 32);
                        values.put(v, n);
                        at += kind == KIND_ENUM ? 8 : 12;
                    }
                    return values;
                }
                at += extra(kind, vlen);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("type: " + what + " is cut short or not BTF");
        }
        throw new IllegalArgumentException("type: " + what + " has no enum " + name);
    }

    /** Bytes after a type's 12-byte header, by kind (include/uapi/linux/btf.h). */
    private static int extra(int kind, int vlen) {
        return switch (kind) {
            case 1, 14, 17 -> 4; // int, var, decl_tag
            case 3 -> 12; // array
            case 4, 5, 15, 19 -> 12 * vlen; // struct, union, datasec, enum64
            case 6, 13 -> 8 * vlen; // enum, func_proto
            default -> 0; // ptr, fwd, typedef, volatile, const, restrict, func, float, type_tag
        };
    }

    private static String string(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) end++;
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
