package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device numbers as new_encode_dev packs them, named from a /proc/partitions. */
class MajorMinorDecoderTest {
    private static String decode(Decoder d, String hex) {
        return new String(d.decode(HexFormat.of().parseHex(hex), KeyContext.NONE), StandardCharsets.UTF_8);
    }

    @Test
    void namesDevicesAndSaysWhichAreUnknown(@TempDir Path dir) throws Exception {
        Path partitions = Files.writeString(
                dir.resolve("partitions"),
                """
                major minor  #blocks  name

                   8        0   41943040 sda
                   8        2   41942016 sda2
                 259       65     524288 nvme0n1p65
                """);
        MajorMinorDecoder d = new MajorMinorDecoder(partitions);
        assertThat(decode(d, "00080000")).isEqualTo("sda"); // 8:0 = 0x800
        assertThat(decode(d, "02080000")).isEqualTo("sda2");
        assertThat(decode(d, "41030100")).isEqualTo("nvme0n1p65"); // 259:65 = 0x41 | 0x103 << 8
        assertThat(decode(d, "0208000000000000")).isEqualTo("sda2"); // a u64 field
        assertThat(decode(d, "05070000")).isEqualTo("unknown:7:5");
        assertThat(decode(new MajorMinorDecoder(dir.resolve("none")), "00080000"))
                .isEqualTo("unknown:8:0");
        assertThatThrownBy(() -> d.decode(new byte[2], KeyContext.NONE)).hasMessageContaining("4 or 8 bytes");
    }

    @Test
    void aDeviceThatAppearsLaterIsFoundOnAFreshRead(@TempDir Path dir) throws Exception {
        Path partitions = Files.writeString(dir.resolve("partitions"), "major minor  #blocks  name\n");
        MajorMinorDecoder d = new MajorMinorDecoder(partitions);
        assertThat(decode(d, "00070000")).isEqualTo("unknown:7:0");
        Files.writeString(partitions, "major minor  #blocks  name\n   7        0       8192 loop0\n");
        Thread.sleep(1100); // re-read at most once a second
        assertThat(decode(d, "00070000")).isEqualTo("loop0");
    }
}
