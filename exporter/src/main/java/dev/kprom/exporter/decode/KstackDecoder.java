package dev.kprom.exporter.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.StringJoiner;

/**
 * {@code kstack}: a kernel stack as a key field holds it ({@code u64 ips[N]}, as {@code bpf_get_stack} fills it;
 * the first zero ends it) as its functions, innermost first, one per line ({@code "schedule\nio_schedule"}), each
 * named by {@code ksym}'s rule (the symbol at or below the address; {@code 0x<address>} below every symbol).
 */
public final class KstackDecoder implements Decoder {
    private final KsymDecoder symbols;

    public KstackDecoder(KsymDecoder symbols) {
        this.symbols = symbols;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        if (in.length % 8 != 0)
            throw new IllegalArgumentException("a stack is 8-byte addresses (got " + in.length + " bytes)");
        ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.nativeOrder());
        StringJoiner frames = new StringJoiner("\n");
        for (int at = 0; at < in.length; at += 8) {
            long ip = b.getLong(at);
            if (ip == 0) break;
            frames.add(symbols.symbol(ip));
        }
        return Ints.text(frames.toString());
    }
}
