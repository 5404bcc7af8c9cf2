package dev.kprom.agent.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code /proc/self/fdinfo/<fd>} of a BPF object: {@code memlock}, and which kind of object and id it is. */
record FdInfo(String kind, int id, long memlock) {
    static final FdInfo NONE = new FdInfo("", 0, 0);

    /** Reads the fdinfo of our {@code fd}; {@link #NONE} when it cannot be read. */
    static FdInfo of(int fd) {
        String text;
        try {
            text = Files.readString(Path.of("/proc/self/fdinfo/" + fd));
        } catch (IOException e) {
            return NONE;
        }
        String kind = "";
        int id = 0;
        long memlock = 0;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "prog_id", "map_id", "link_id" -> {
                    if (kind.isEmpty()) { // a link's fdinfo names its program's id after its own
                        kind = key.substring(0, key.indexOf('_'));
                        id = parseInt(value);
                    }
                }
                case "memlock" -> memlock = parseLong(value);
                default -> {}
            }
        }
        return new FdInfo(kind, id, memlock);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
