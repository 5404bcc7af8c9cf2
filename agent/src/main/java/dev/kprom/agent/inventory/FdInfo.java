package dev.kprom.agent.inventory;

import com.sun.jna.Memory;
import dev.kprom.agent.libbpf.LibC;
import java.nio.charset.StandardCharsets;

/**
 * {@code /proc/self/fdinfo/<fd>} of a BPF object: {@code memlock}, and which kind of object and id it is. Read with
 * plain open/read into a reused buffer: a walk reads one per object, thousands per scrape on a busy node.
 */
record FdInfo(String kind, int id, long memlock) {
    static final FdInfo NONE = new FdInfo("", 0, 0);
    private static final int SIZE = 4096;
    private static final ThreadLocal<Memory> BUFFER = ThreadLocal.withInitial(() -> new Memory(SIZE));

    /** Reads the fdinfo of our {@code fd}; {@link #NONE} when it cannot be read. */
    static FdInfo of(int fd) {
        int file = LibC.open("/proc/self/fdinfo/" + fd, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (file < 0) return NONE;
        Memory buffer = BUFFER.get();
        long n;
        try {
            n = LibC.read(file, buffer, SIZE);
        } finally {
            LibC.close(file);
        }
        if (n <= 0) return NONE;
        String kind = "";
        int id = 0;
        long memlock = 0;
        String text = new String(buffer.getByteArray(0, (int) n), StandardCharsets.US_ASCII);
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) end = text.length();
            int colon = text.indexOf(':', at);
            if (colon > at && colon < end) {
                String key = text.substring(at, colon);
                String value = text.substring(colon + 1, end).trim();
                switch (key) {
                    case "prog_id", "map_id", "link_id" -> {
                        if (kind.isEmpty()) { // a link's fdinfo names its program's id after its own
                            kind = key.substring(0, key.indexOf('_'));
                            id = (int) parse(value);
                        }
                    }
                    case "memlock" -> memlock = parse(value);
                    default -> {}
                }
            }
            at = end + 1;
        }
        return new FdInfo(kind, id, memlock);
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
