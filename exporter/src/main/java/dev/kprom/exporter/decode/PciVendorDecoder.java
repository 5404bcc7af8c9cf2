package dev.kprom.exporter.decode;

/**
 * {@code pci_vendor}: a PCI vendor id (the number {@code uint} gives) as its name from pci.ids
 * ({@code 32902} is {@code Intel Corporation}), or {@code unknown:0x<id>}.
 */
public final class PciVendorDecoder implements Decoder {
    private final PciIds ids;

    public PciVendorDecoder() {
        this(PciIds.system());
    }

    PciVendorDecoder(PciIds ids) {
        this.ids = ids;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        int id = (int) Ints.number(in) & 0xffff;
        String name = ids.vendors.get(id);
        return Ints.text(name != null ? name : String.format("unknown:0x%04x", id));
    }
}
