package dev.kprom.exporter.decode;

/**
 * {@code pci_device}: a PCI vendor and device id ({@code vendor << 16 | device}, the number {@code uint} gives)
 * as the device's name from pci.ids, or {@code unknown:0x<vendor><device>}.
 */
public final class PciDeviceDecoder implements Decoder {
    private final PciIds ids;

    public PciDeviceDecoder() {
        this(PciIds.system());
    }

    PciDeviceDecoder(PciIds ids) {
        this.ids = ids;
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        int id = (int) Ints.number(in);
        String name = ids.devices.get(id);
        return Ints.text(name != null ? name : String.format("unknown:0x%08x", id));
    }
}
