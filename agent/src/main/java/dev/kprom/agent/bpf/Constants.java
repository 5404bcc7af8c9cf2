package dev.kprom.agent.bpf;

import dev.kprom.exporter.source.Field;
import java.nio.charset.StandardCharsets;

/** Encodes a YAML constant into the bytes of a {@code const volatile} variable. */
final class Constants {
    private Constants() {}

    /** Writes {@code value} into {@code data} at {@code var}; returns why not, or null when written. */
    static String write(byte[] data, Field var, Object value) {
        if (value instanceof Boolean b) value = b ? 1L : 0L;
        if (value instanceof Number n) {
            if (var.size() > 8) return "is a " + var.size() + "-byte variable, not an integer (got " + value + ")";
            long v = n.longValue();
            int bits = var.size() * 8;
            if (bits < 64 && (v >= (1L << bits) || v < -(1L << (bits - 1)))) {
                return "does not fit its " + var.size() + "-byte variable (got " + value + ")";
            }
            for (int i = 0; i < var.size(); i++) data[var.offset() + i] = (byte) (v >>> (8 * i));
            return null;
        }
        byte[] s = value.toString().getBytes(StandardCharsets.UTF_8);
        if (s.length >= var.size()) {
            return "needs at most " + (var.size() - 1) + " bytes and a NUL in its char[" + var.size() + "] (got \""
                    + value + "\")";
        }
        for (int i = 0; i < var.size(); i++) data[var.offset() + i] = i < s.length ? s[i] : 0;
        return null;
    }
}
