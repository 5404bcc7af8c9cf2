package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** {@code hex}: the bytes as lowercase hex, in memory order ({@code 0a0b} for bytes 0x0a 0x0b). */
public final class HexDecoder implements Decoder {
    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        return HexFormat.of().formatHex(in).getBytes(StandardCharsets.US_ASCII);
    }
}
