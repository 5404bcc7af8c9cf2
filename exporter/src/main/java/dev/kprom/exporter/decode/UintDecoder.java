package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;

/** {@code uint}: an unsigned little-endian integer of 1 to 8 bytes, as decimal text. */
public final class UintDecoder implements Decoder {
    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        if (in.length == 0 || in.length > 8) {
            throw new IllegalArgumentException("uint decodes 1 to 8 bytes (got " + in.length + ")");
        }
        return Long.toUnsignedString(Ints.unsigned(in)).getBytes(StandardCharsets.US_ASCII);
    }
}
