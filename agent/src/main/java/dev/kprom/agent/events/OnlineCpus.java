package dev.kprom.agent.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/** The CPUs that are online now, from {@code /sys/devices/system/cpu/online} ("0-3,5,7-8"). */
public final class OnlineCpus {
    private OnlineCpus() {}

    public static BitSet read() {
        Path file = Path.of("/sys/devices/system/cpu/online");
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }

    /** Parses the kernel's CPU list format; throws IllegalArgumentException on anything else. */
    public static BitSet parse(String list) {
        BitSet cpus = new BitSet();
        String text = list.trim();
        if (text.isEmpty()) return cpus;
        for (String part : text.split(",")) {
            try {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from) throw new NumberFormatException();
                cpus.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CPU list: \"" + text + "\" (at \"" + part + "\")");
            }
        }
        return cpus;
    }
}
