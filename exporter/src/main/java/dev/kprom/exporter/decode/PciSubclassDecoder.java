package dev.kprom.exporter.decode;

/**
 * {@code pci_subclass}: a PCI class and subclass ({@code class << 8 | subclass}, the number {@code uint} gives) as
 * the subclass's name from pci.ids ({@code 0x0200} is {@code Ethernet controller}), or
 * {@code unknown:0x<class><subclass>}.
 */
public final class PciSubclassDecoder implements Decoder {
    private final PciIds ids;

    public PciSubclassDecoder() {
        this(PciIds.system());
    }

    PciSubclassDecoder(PciIds ids) {
        this.ids = ids;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        int id = (int) Ints.number(in) & 0xffff;
        String name = ids.subclasses.get(id);
        return Ints.text(name != null ? name : String.format("unknown:0x%04x", id));
    }
}
