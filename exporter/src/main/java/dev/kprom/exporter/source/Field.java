package dev.kprom.exporter.source;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.stream.Collectors;

/** A named byte range of a key, value or record: a struct member from BTF, or a label laid out by the config. */
public record Field(String name, int offset, int size) {
    /** What an integer field may be: the one wording of the rule in every message. */
    public static final String INTEGER_SIZES = "1, 2, 4 or 8 bytes";

    public int end() {
        return offset + size;
    }

    /** Whether this field can be read as an unsigned integer ({@link #INTEGER_SIZES}). */
    public boolean isInteger() {
        return isIntegerSize(size);
    }

    public static boolean isIntegerSize(int size) {
        return size == 1 || size == 2 || size == 4 || size == 8;
    }

    /** This integer field of the entry or record starting at {@code base}, in the buffer's byte order. */
    public long readUnsigned(ByteBuffer b, int base) {
        return readUnsigned(b, base + offset, size);
    }

    /** An unsigned integer of {@code size} bytes (1, 2, 4; anything else reads 8) at {@code at}. */
    public static long readUnsigned(ByteBuffer b, int at, int size) {
        return switch (size) {
            case 1 -> b.get(at) & 0xffL;
            case 2 -> b.getShort(at) & 0xffffL;
            case 4 -> b.getInt(at) & 0xffffffffL;
            default -> b.getLong(at);
        };
    }

    /** Field names for messages: {@code "pid, comm, daddr"}. */
    public static String names(Collection<Field> fields) {
        return fields.stream().map(Field::name).collect(Collectors.joining(", "));
    }
}
