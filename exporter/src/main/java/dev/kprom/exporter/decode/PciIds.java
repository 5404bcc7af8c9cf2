package dev.kprom.exporter.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PCI ID database (pci.ids, Debian's package of that name: /usr/share/misc/pci.ids): vendor, device, class and
 * subclass names by number. Read once, by the first PCI decoder built (about 40,000 names); a host without the file
 * gets an empty database and numbers instead of names.
 */
final class PciIds {
    static final List<Path> PATHS = List.of(Path.of("/usr/share/misc/pci.ids"), Path.of("/usr/share/hwdata/pci.ids"));
    private static PciIds system;

    final Map<Integer, String> vendors = new HashMap<>();
    /** By vendor << 16 | device. */
    final Map<Integer, String> devices = new HashMap<>();

    final Map<Integer, String> classes = new HashMap<>();
    /** By class << 8 | subclass. */
    final Map<Integer, String> subclasses = new HashMap<>();

    static synchronized PciIds system() {
        if (system == null) {
            system = PATHS.stream()
                    .filter(Files::isReadable)
                    .findFirst()
                    .map(PciIds::read)
                    .orElseGet(PciIds::new);
        }
        return system;
    }

    static PciIds read(Path file) {
        PciIds ids = new PciIds();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int vendor = -1;
            int pciClass = -1;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                if (line.startsWith("C ")) { // C 02  Network controller
                    vendor = -1;
                    pciClass = hex(line, 2, 4);
                    if (pciClass >= 0) ids.classes.put(pciClass, name(line, 4));
                } else if (!line.startsWith("\t")) { // 8086  Intel Corporation
                    pciClass = -1;
                    vendor = line.length() > 5 && line.charAt(4) == ' ' ? hex(line, 0, 4) : -1;
                    if (vendor >= 0) ids.vendors.put(vendor, name(line, 4));
                } else if (!line.startsWith("\t\t")) { // a device of the vendor, or a subclass of the class
                    if (vendor >= 0) {
                        int device = hex(line, 1, 5);
                        if (device >= 0) ids.devices.put(vendor << 16 | device, name(line, 5));
                    } else if (pciClass >= 0) {
                        int sub = hex(line, 1, 3);
                        if (sub >= 0) ids.subclasses.put(pciClass << 8 | sub, name(line, 3));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new PciIds(); // unreadable: numbers, not names
        }
        return ids;
    }

    /** The hex number in {@code line[from, to)}, or -1. */
    private static int hex(String line, int from, int to) {
        if (line.length() < to) return -1;
        try {
            return Integer.parseInt(line.substring(from, to), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String name(String line, int from) {
        return line.substring(from).trim();
    }
}
