package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four PCI decoders over a small pci.ids in the database's own format, and over Debian's where installed. */
class PciDecodersTest {
    private static String text(Decoder d, String in) {
        return new String(d.decode(in.getBytes(StandardCharsets.UTF_8), KeyContext.NONE), StandardCharsets.UTF_8);
    }

    @Test
    void vendorsDevicesClassesAndSubclasses(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("pci.ids"),
                """
                # comment
                8086  Intel Corporation
                \t100e  82540EM Gigabit Ethernet Controller
                \t\t8086 001e  PRO/1000 MT Mobile Connection
                1af4  Red Hat, Inc.
                \t1000  Virtio network device
                C 02  Network controller
                \t00  Ethernet controller
                \t\t00  some prog-if
                C 01  Mass storage controller
                \t06  SATA controller
                """);
        PciIds ids = PciIds.read(file);
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.VENDOR), "32902")).isEqualTo("Intel Corporation"); // 0x8086
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.VENDOR), "4660")).isEqualTo("unknown:0x1234");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.DEVICE), Long.toString(0x8086100eL)))
                .isEqualTo("82540EM Gigabit Ethernet Controller");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.DEVICE), Long.toString(0x1af41000L)))
                .isEqualTo("Virtio network device");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.DEVICE), Long.toString(0x1af40001L)))
                .isEqualTo("unknown:0x1af40001");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.CLASS), "2")).isEqualTo("Network controller");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.CLASS), "255")).isEqualTo("unknown:0xff");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.SUBCLASS), Integer.toString(0x0200)))
                .isEqualTo("Ethernet controller");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.SUBCLASS), Integer.toString(0x0106)))
                .isEqualTo("SATA controller");
        assertThat(text(new PciDecoder(ids, PciDecoder.Kind.SUBCLASS), Integer.toString(0x0201)))
                .isEqualTo("unknown:0x0201");
        assertThatThrownBy(() -> text(new PciDecoder(ids, PciDecoder.Kind.VENDOR), "x"))
                .hasMessageContaining("decimal number");
        assertThat(text(new PciDecoder(PciIds.read(dir.resolve("none")), PciDecoder.Kind.VENDOR), "32902"))
                .isEqualTo("unknown:0x8086");
    }

    @Test
    void debiansDatabaseNamesCommonDevices() {
        PciIds system = PciIds.system();
        assertThat(system.vendors).as("pci.ids installed (make deps)").hasSizeGreaterThan(1000);
        assertThat(text(new PciDecoder(system, PciDecoder.Kind.VENDOR), "32902"))
                .isEqualTo("Intel Corporation");
        assertThat(text(new PciDecoder(system, PciDecoder.Kind.CLASS), "2")).isEqualTo("Network controller");
    }
}
