package dev.kprom.exporter.decode;

import java.util.Map;
import java.util.function.Function;

/**
 * {@code pci_vendor}, {@code pci_device}, {@code pci_class}, {@code pci_subclass}: a PCI id (the number {@code uint}
 * gives) as its name from pci.ids, or {@code unknown:0x<id>}. Devices are {@code vendor << 16 | device}, subclasses
 * {@code class << 8 | subclass}: {@code 32902} is {@code Intel Corporation}, class {@code 2} is
 * {@code Network controller}, subclass {@code 0x0200} is {@code Ethernet controller}.
 */
public final class PciDecoder implements Decoder {
    /** What an id names, with its bits and its width in hex digits. */
    public enum Kind {
        VENDOR(ids -> ids.vendors, 0xffffL, 4),
        DEVICE(ids -> ids.devices, 0xffffffffL, 8),
        CLASS(ids -> ids.classes, 0xffL, 2),
        SUBCLASS(ids -> ids.subclasses, 0xffffL, 4);

        private final Function<PciIds, Map<Integer, String>> table;
        private final long mask;
        private final int digits;

        Kind(Function<PciIds, Map<Integer, String>> table, long mask, int digits) {
            this.table = table;
            this.mask = mask;
            this.digits = digits;
        }
    }

    private final Map<Integer, String> names;
    private final Kind kind;

    /** Names from the system's pci.ids. */
    public PciDecoder(Kind kind) {
        this(PciIds.system(), kind);
    }

    PciDecoder(PciIds ids, Kind kind) {
        this.names = kind.table.apply(ids);
        this.kind = kind;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        int id = (int) (Ints.number(in) & kind.mask);
        String name = names.get(id);
        return Ints.text(name != null ? name : String.format("unknown:0x%0" + kind.digits + "x", id));
    }
}
