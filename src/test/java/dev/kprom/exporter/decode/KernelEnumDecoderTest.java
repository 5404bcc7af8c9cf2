package dev.kprom.exporter.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel enums from BTF: the running kernel's own, and blobs that are wrong. */
class KernelEnumDecoderTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private static String decode(Decoder d, int v) {
        byte[] raw =
                ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
        return new String(d.decode(raw, KeyContext.NONE), StandardCharsets.UTF_8);
    }

    @Test
    void dropReasonsAsThisKernelNumbersThem() throws Exception {
        // the value vmlinux.h (made from the same BTF by bpftool at build time) gives NO_SOCKET on this kernel
        Matcher m = Pattern.compile("SKB_DROP_REASON_NO_SOCKET = (\\d+),")
                .matcher(Files.readString(Path.of("target/bpf/vmlinux.h")));
        assertThat(m.find()).isTrue();
        KernelEnumDecoder d = new KernelEnumDecoder(VMLINUX, "skb_drop_reason");
        assertThat(decode(d, Integer.parseInt(m.group(1)))).isEqualTo("NO_SOCKET");
        assertThat(decode(d, 999_999)).isEqualTo("999999"); // not in the enum: a number
    }

    @Test
    void missingEnumsAndBrokenBlobsAreClearErrors(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> new KernelEnumDecoder(VMLINUX, "kprom_no_such_enum"))
                .hasMessage("type: /sys/kernel/btf/vmlinux has no enum kprom_no_such_enum");
        Path cut = Files.write(dir.resolve("cut"), Arrays.copyOf(Files.readAllBytes(VMLINUX), 4096));
        assertThatThrownBy(() -> new KernelEnumDecoder(cut, "skb_drop_reason"))
                .hasMessageContaining("is cut short or not BTF");
        Path junk = Files.write(dir.resolve("junk"), new byte[64]);
        assertThatThrownBy(() -> new KernelEnumDecoder(junk, "skb_drop_reason")).hasMessageContaining("not BTF");
        assertThatThrownBy(() -> new KernelEnumDecoder(VMLINUX, null))
                .hasMessage("type: kernel_enum needs the enum's name");
    }

    @Test
    void theSharedPrefixGoesUpToAnUnderscore() {
        assertThat(KernelEnumDecoder.commonPrefix(
                        List.of("SKB_DROP_REASON_NO_SOCKET", "SKB_DROP_REASON_NOT_SPECIFIED")))
                .isEqualTo("SKB_DROP_REASON_");
        assertThat(KernelEnumDecoder.commonPrefix(List.of("TCP_ESTABLISHED", "TCP_SYN_SENT")))
                .isEqualTo("TCP_");
        assertThat(KernelEnumDecoder.commonPrefix(List.of("A", "B"))).isEmpty();
        assertThat(KernelEnumDecoder.commonPrefix(
                        List.of("SKB_NOT_DROPPED_YET", "SKB_DROP_REASON_A", "SKB_DROP_REASON_B")))
                .isEqualTo("SKB_DROP_REASON_"); // most share it: the odd one keeps its whole name
    }
}
