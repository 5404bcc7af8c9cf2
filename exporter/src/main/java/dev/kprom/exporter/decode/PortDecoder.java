package dev.kprom.exporter.decode;

/** {@code port}: a 2-byte port in network byte order, as decimal ({@code 0x1f90} in memory order is 8080). */
public final class PortDecoder implements Decoder {
    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        if (in.length != 2) throw new IllegalArgumentException("port decodes 2 bytes (got " + in.length + ")");
        return Ints.text(((in[0] & 0xff) << 8) | (in[1] & 0xff));
    }
}
