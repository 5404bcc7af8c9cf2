package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;

/** {@code uint}: an unsigned little-endian integer of 1 to 8 bytes, as decimal text. */
public final class UintDecoder implements Decoder {
    @Override
    public byte[] decode(byte[] in) {
        if (in.length == 0 || in.length > 8) {
            throw new IllegalArgumentException("uint decodes 1 to 8 bytes (got " + in.length + ")");
        }
        long v = 0;
        for (int i = in.length - 1; i >= 0; i--) {
            v = (v << 8) | (in[i] & 0xff);
        }
        return Long.toUnsignedString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
