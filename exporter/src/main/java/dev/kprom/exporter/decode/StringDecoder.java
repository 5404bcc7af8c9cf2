package dev.kprom.exporter.decode;

import java.util.Arrays;

/** {@code string}: a NUL-terminated string (the bytes up to the first NUL, or all of them). */
public final class StringDecoder implements Decoder {
    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        for (int i = 0; i < in.length; i++) {
            if (in[i] == 0) return Arrays.copyOf(in, i);
        }
        return in;
    }
}
