package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DNS names in wire format, as a qname copied into a key field (zero-padded, or cut short). */
class DnameDecoderTest {
    @ParameterizedTest
    @CsvSource({
        "03777777076578616d706c6503636f6d00, www.example.com",
        "07657861 6d706c6503636f6d000000000000, example.com", // zero padding after the name
        "00, .", // the root
        "'', .",
        "0161, a", // no terminating zero: the field ends the name
        "03610a6200, a?b" // a control character stays out of the label value
    })
    void wireFormatToDottedText(String hex, String expected) {
        byte[] out = new DnameDecoder().decode(HexFormat.of().parseHex(hex.replace(" ", "")), KeyContext.NONE);
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0561626364", "ff61"})
    void aLabelRunningPastTheFieldIsRefused(String hex) {
        assertThatThrownBy(() -> new DnameDecoder().decode(HexFormat.of().parseHex(hex), KeyContext.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs past the");
    }
}
