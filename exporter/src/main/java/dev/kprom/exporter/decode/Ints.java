package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;

/** Reading decoder input as an integer: raw little-endian bytes (first in a chain) or decimal text (after uint). */
final class Ints {
    private Ints() {}

    static long unsigned(byte[] in) {
        if (in.length == 0 || in.length > 8)
            throw new IllegalArgumentException("expected 1 to 8 bytes (got " + in.length + ")");
        long v = 0;
        for (int i = in.length - 1; i >= 0; i--) v = (v << 8) | (in[i] & 0xff);
        return v;
    }

    /** The value as a signed integer of its width (a 4-byte 0xfffffff3 is -13). */
    static long signed(byte[] in) {
        long v = unsigned(in);
        int bits = in.length * 8;
        return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    /** Decimal text, as {@code uint} gives it, as a number. */
    static long number(byte[] in) {
        String s = new String(in, StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a decimal number, as uint gives (got \"" + s + "\")");
        }
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] text(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
