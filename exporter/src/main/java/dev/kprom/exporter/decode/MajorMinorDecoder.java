package dev.kprom.exporter.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code majorminor}: a device number (u32, as {@code new_encode_dev} packs it: minor's low 8 bits, then 12 bits of
 * major, then the rest of minor) as the block device's name from /proc/partitions ({@code sda2}), or
 * {@code unknown:<major>:<minor>} for a device it does not list. /proc/partitions is read again on a miss, at most
 * once a second: devices come and go (loop devices, hot plug).
 */
public final class MajorMinorDecoder implements Decoder {
    private static final long REREAD_NANOS = 1_000_000_000L;
    private final Path partitions;
    private Map<Long, String> names = Map.of();
    private long readAt;
    private boolean read;

    public MajorMinorDecoder(Path partitions) {
        this.partitions = partitions;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        if (in.length != 4 && in.length != 8)
            throw new IllegalArgumentException("a device number is 4 or 8 bytes (got " + in.length + ")");
        long dev = Ints.unsigned(in) & 0xffffffffL;
        long major = (dev >>> 8) & 0xfff;
        long minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
        long id = major << 32 | minor;
        String name = lookup(id);
        return Ints.text(name != null ? name : "unknown:" + major + ":" + minor);
    }

    private synchronized String lookup(long id) {
        String name = names.get(id);
        long now = System.nanoTime();
        if (name == null && (!read || now - readAt >= REREAD_NANOS)) {
            read = true;
            readAt = now;
            names = parse(partitions);
            name = names.get(id);
        }
        return name;
    }

    /** {@code major minor #blocks name} lines, after a header. */
    static Map<Long, String> parse(Path partitions) {
        Map<Long, String> names = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(partitions);
        } catch (IOException e) {
            return names; // no /proc here: every device is unknown
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4 || !f[0].matches("\\d+") || !f[1].matches("\\d+")) continue;
            names.put(Long.parseLong(f[0]) << 32 | Long.parseLong(f[1]), f[3]);
        }
        return names;
    }
}
