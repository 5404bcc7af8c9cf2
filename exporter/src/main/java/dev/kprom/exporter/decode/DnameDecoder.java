package dev.kprom.exporter.decode;

/**
 * {@code dname}: a DNS name in wire format (length-prefixed labels, {@code 3www7example3com0}) as dotted text,
 * {@code www.example.com}; an empty name is the root, {@code .}. A name whose label runs past the end of the field
 * (a truncated copy) is refused.
 */
public final class DnameDecoder implements Decoder {
    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < in.length && in[at] != 0) {
            int n = in[at] & 0xff;
            if (n > 63 || at + 1 + n > in.length) {
                throw new IllegalArgumentException("a DNS name label of " + n + " bytes at byte " + at
                        + " runs past the " + in.length + "-byte field");
            }
            if (out.length() > 0) out.append('.');
            for (int i = at + 1; i <= at + n; i++) {
                char c = (char) (in[i] & 0xff);
                out.append(c >= 0x21 && c < 0x7f ? c : '?'); // printable ASCII only: a label value stays readable
            }
            at += 1 + n;
        }
        return Ints.text(out.length() == 0 ? "." : out.toString());
    }
}
