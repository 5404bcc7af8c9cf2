package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key's u64 ips[] as bpf_get_stack fills it: innermost first, zero-terminated. */
class KstackDecoderTest {
    @Test
    void framesBecomeFunctionsOnePerLine(@TempDir Path dir) throws Exception {
        Path kallsyms = Files.writeString(
                dir.resolve("kallsyms"),
                """
                ffffffff81000000 T schedule
                ffffffff81001000 T io_schedule
                ffffffff81002000 T submit_bio_wait
                """);
        KstackDecoder d = new KstackDecoder(new KsymDecoder(kallsyms));
        ByteBuffer ips = ByteBuffer.allocate(8 * 5).order(ByteOrder.nativeOrder());
        ips.putLong(0xffffffff81000010L)
                .putLong(0xffffffff81001abcL)
                .putLong(0xffffffff81002001L)
                .putLong(0x1000L);
        assertThat(new String(d.decode(ips.array(), KeyContext.NONE), StandardCharsets.UTF_8))
                .isEqualTo("schedule\nio_schedule\nsubmit_bio_wait\n0x1000");
        assertThat(d.decode(new byte[16], KeyContext.NONE)).isEmpty(); // no frames
        assertThatThrownBy(() -> d.decode(new byte[12], KeyContext.NONE)).hasMessageContaining("8-byte addresses");
    }
}
