package dev.kprom.exporter.self;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size, from /proc/self/status (VmRSS), as Prometheus' process collector reports it. */
final class ResidentMemory {
    private ResidentMemory() {}

    /** Bytes resident now; NaN where /proc is not there. */
    static double bytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or /proc hidden: no figure
        }
        return Double.NaN;
    }
}
