package dev.kprom.exporter.decode;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * {@code inet_ip}: an IPv4 (4 bytes) or IPv6 (16 bytes) address as text; IPv4-mapped IPv6 addresses print as
 * IPv4. With {@code family_label}, a 16-byte field holding either family (a union) is read by the address family
 * in that label: AF_INET (2) uses its first 4 bytes, AF_INET6 (10) all 16.
 */
public final class InetIpDecoder implements Decoder {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private final String familyLabel;

    public InetIpDecoder(String familyLabel) {
        this.familyLabel = familyLabel;
    }

    @Override
    public List<String> reads() {
        return familyLabel == null ? List.of() : List.of(familyLabel);
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        byte[] addr = in;
        if (familyLabel != null) {
            byte[] family = key.raw(familyLabel);
            if (family == null)
                throw new IllegalArgumentException("family_label: no label \"" + familyLabel + "\" in this key");
            long f = Ints.unsigned(family);
            if (f == AF_INET && in.length >= 4) addr = Arrays.copyOf(in, 4);
            else if (f != AF_INET6) return Ints.text("family_" + f);
        }
        if (addr.length != 4 && addr.length != 16) {
            throw new IllegalArgumentException("inet_ip decodes 4 or 16 bytes (got " + addr.length + ")");
        }
        try {
            // InetAddress turns IPv4-mapped IPv6 addresses into Inet4Address by itself
            InetAddress a = InetAddress.getByAddress(addr);
            return Ints.text(a instanceof Inet6Address ? compress(a.getHostAddress()) : a.getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** RFC 5952 text: the longest run of two or more zero groups becomes "::" ("0:0:0:0:0:0:0:1" is "::1"). */
    static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) return full;
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }
}
