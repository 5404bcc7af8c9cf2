package dev.kprom.exporter.decode;

import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * {@code ifname}: a network interface index (u32) as the interface's name in kprom's network namespace
 * ({@code eth0}), or {@code unknown:<index>} when no interface has it (gone since, or in another namespace).
 */
public final class IfnameDecoder implements Decoder {
    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        if (in.length != 4 && in.length != 8)
            throw new IllegalArgumentException("an interface index is 4 or 8 bytes (got " + in.length + ")");
        int index = (int) Ints.unsigned(in);
        String name = null;
        try {
            NetworkInterface nic = index > 0 ? NetworkInterface.getByIndex(index) : null;
            if (nic != null) name = nic.getName();
        } catch (SocketException e) {
            // no such interface we can see
        }
        return Ints.text(name != null ? name : "unknown:" + Integer.toUnsignedString(index));
    }
}
