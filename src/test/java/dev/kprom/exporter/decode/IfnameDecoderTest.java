package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Interface indexes against this host's own interfaces: loopback is always there. */
class IfnameDecoderTest {
    private static String decode(int index) {
        byte[] raw = ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(index)
                .array();
        return new String(new IfnameDecoder().decode(raw, KeyContext.NONE), StandardCharsets.UTF_8);
    }

    @Test
    void indexToNameOrUnknown() throws Exception {
        int lo = NetworkInterface.getByName("lo").getIndex();
        assertThat(decode(lo)).isEqualTo("lo");
        assertThat(decode(999_999)).isEqualTo("unknown:999999");
        assertThat(decode(0)).isEqualTo("unknown:0");
    }
}
