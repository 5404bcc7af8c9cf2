package dev.kprom.exporter.decode;

/**
 * {@code pci_class}: a PCI class code (the number {@code uint} gives) as its name from pci.ids ({@code 2} is
 * {@code Network controller}), or {@code unknown:0x<class>}.
 */
public final class PciClassDecoder implements Decoder {
    private final PciIds ids;

    public PciClassDecoder() {
        this(PciIds.system());
    }

    PciClassDecoder(PciIds ids) {
        this.ids = ids;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        int id = (int) Ints.number(in) & 0xff;
        String name = ids.classes.get(id);
        return Ints.text(name != null ? name : String.format("unknown:0x%02x", id));
    }
}
