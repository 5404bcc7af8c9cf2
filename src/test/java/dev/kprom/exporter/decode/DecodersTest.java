package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.exporter.spec.DecoderSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecodersTest {
    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    @ParameterizedTest
    @CsvSource({
        "2a, 42",
        "e803, 1000",
        "00000080, 2147483648",
        "ffffffff, 4294967295",
        "ffffffffffffffff, 18446744073709551615"
    })
    void uintReadsLittleEndianUnsigned(String bytes, String expected) {
        assertThat(new String(new UintDecoder().decode(hex(bytes), KeyContext.NONE), StandardCharsets.US_ASCII))
                .isEqualTo(expected);
    }

    @Test
    void uintRejectsMoreThan8Bytes() {
        assertThatThrownBy(() -> new UintDecoder().decode(new byte[9], KeyContext.NONE))
                .hasMessage("uint decodes 1 to 8 bytes (got 9)");
    }

    @Test
    void stringStopsAtTheFirstNul() {
        assertThat(new StringDecoder().decode("bash\0\0junk".getBytes(StandardCharsets.UTF_8), KeyContext.NONE))
                .asString()
                .isEqualTo("bash");
        assertThat(new StringDecoder().decode("exactly16bytes!!".getBytes(StandardCharsets.UTF_8), KeyContext.NONE))
                .asString()
                .isEqualTo("exactly16bytes!!");
        assertThat(new StringDecoder().decode(new byte[4], KeyContext.NONE)).isEmpty();
    }

    @Test
    void chainsRunInOrderAndUnknownNamesListTheKnownOnes() {
        assertThat(new LabelDecoder(List.of(new DecoderSpec("uint"))).decode(hex("0700"), KeyContext.NONE))
                .isEqualTo("7");
        assertThatThrownBy(() -> Decoders.of(new DecoderSpec("hexx")))
                .hasMessageStartingWith(
                        "unknown decoder \"hexx\" (known: cgroup, dname, errno, hex, ifname, inet_ip, kernel_enum, kstack, ksym,");
    }
}
