package dev.kprom.exporter.decode;

import static dev.kprom.testing.Specs.regexp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.exporter.spec.DecoderSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each decoder against raw bytes as BPF writes them (little-endian hosts; ports and addresses in network order). */
class DecoderTableTest {
    private static String decode(Decoder d, String hex) {
        byte[] out = d.decode(HexFormat.of().parseHex(hex), KeyContext.NONE);
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }

    private static String text(Decoder d, String in) {
        byte[] out = d.decode(in.getBytes(StandardCharsets.UTF_8), KeyContext.NONE);
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({
        "0d000000, EACCES", // 13 as u32
        "f3ffffff, EACCES", // -13 as s32: a syscall return value
        "f3ffffffffffffff, EACCES",
        "0c02, ENOTSUPP", // 524: kernel-internal
        "00000000, 0",
        "e8030000, 1000"
    }) // no such errno: stays a number
    void errno(String raw, String expected) {
        assertThat(decode(new ErrnoDecoder(), raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "x86_64, 3b00000000000000, execve",
        "x86_64, 2a000000, connect",
        "amd64, 00000000, read",
        "arm64, dd000000, execve",
        "aarch64, cb000000, connect",
        "x86_64, 0f270000, unknown_9999"
    })
    void syscall(String arch, String raw, String expected) {
        assertThat(decode(new SyscallDecoder(arch), raw)).isEqualTo(expected);
    }

    @Test
    void syscallRejectsOtherArchitectures() {
        assertThatThrownBy(() -> new SyscallDecoder("mips")).hasMessage("arch: must be x86_64 or arm64 (got \"mips\")");
    }

    @ParameterizedTest
    @CsvSource({
        "7f000001, 127.0.0.1",
        "0a000002, 10.0.0.2",
        "00000000000000000000000000000001, ::1",
        "20010db8000000000000000000000001, 2001:db8::1",
        "20010db8000100000000000100000001, 2001:db8:1::1:0:1",
        "00000000000000000000ffffc0a80001, 192.168.0.1", // IPv4-mapped
        "fe800000000000000000000000000000, fe80::"
    })
    void inetIp(String raw, String expected) {
        assertThat(decode(new InetIpDecoder(null), raw)).isEqualTo(expected);
    }

    @Test
    void inetIpReadsAUnionByTheFamilyLabel() {
        InetIpDecoder d = new InetIpDecoder("family");
        byte[] addr = HexFormat.of().parseHex("7f000001000000000000000000000000");
        assertThat(d.decode(addr, l -> l.equals("family") ? new byte[] {2, 0} : null))
                .asString()
                .isEqualTo("127.0.0.1");
        assertThat(d.decode(addr, l -> l.equals("family") ? new byte[] {10, 0} : null))
                .asString()
                .isEqualTo("7f00:1::");
        assertThat(d.decode(addr, l -> l.equals("family") ? new byte[] {1, 0} : null))
                .asString()
                .isEqualTo("family_1");
        assertThat(d.reads()).containsExactly("family");
    }

    @ParameterizedTest
    @CsvSource({"1f90, 8080", "0050, 80", "ffff, 65535"})
    void port(String raw, String expected) {
        assertThat(decode(new PortDecoder(), raw)).isEqualTo(expected);
    }

    @Test
    void hex() {
        assertThat(decode(new HexDecoder(), "0a0bff")).isEqualTo("0a0bff");
    }

    @Test
    void ksymFindsTheFunctionContainingAnAddress(@TempDir Path dir) throws Exception {
        Path kallsyms = Files.writeString(
                dir.resolve("kallsyms"),
                """
                ffffffff81000000 T _stext
                ffffffff81001000 T do_one
                ffffffff81002000 t helper\t[mod]
                ffffffff81003000 D some_data
                """);
        KsymDecoder d = new KsymDecoder(kallsyms);
        assertThat(decode(d, "10100081ffffffff")).isEqualTo("do_one"); // 0xffffffff81001010
        assertThat(decode(d, "05200081ffffffff")).isEqualTo("helper"); // 0xffffffff81002005, a module's
        assertThat(decode(d, "05300081ffffffff")).isEqualTo("helper"); // data symbols are not functions
        assertThat(decode(d, "00ffffff00000000")).isEqualTo("0xffffff00");
    }

    @Test
    void uidNamesKnownUsers(@TempDir Path dir) throws Exception {
        Path passwd = Files.writeString(
                dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/a:/bin/sh\n");
        assertThat(decode(new UidDecoder(passwd), "e8030000")).isEqualTo("alice");
        assertThat(decode(new UidDecoder(passwd), "e9030000")).isEqualTo("1001");
        assertThat(decode(new UidDecoder(dir.resolve("none")), "00000000")).isEqualTo("0");
    }

    @Test
    void staticMapKeepsOrDropsUnknownValues() {
        assertThat(text(new StaticMapDecoder(Map.of("1", "read", "2", "write"), false), "2"))
                .isEqualTo("write");
        assertThat(text(new StaticMapDecoder(Map.of("1", "read"), false), "9")).isNull();
        assertThat(text(new StaticMapDecoder(Map.of("1", "read"), true), "9")).isEqualTo("9");
        assertThatThrownBy(() -> new StaticMapDecoder(Map.of(), false))
                .hasMessage("map: static_map needs a non-empty map");
    }

    @Test
    void staticMapCanKeepUnknownValuesBehindAPrefix() {
        StaticMapDecoder d = new StaticMapDecoder(Map.of("1", "read"), false, "unknown:");
        assertThat(text(d, "1")).isEqualTo("read");
        assertThat(text(d, "9")).isEqualTo("unknown:9");
        assertThatThrownBy(() -> new StaticMapDecoder(Map.of("1", "read"), true, "unknown:"))
                .hasMessage("unknown_prefix: give allow_unknown or unknown_prefix, not both");
    }

    @Test
    void regexpWithAGroupKeepsWhatTheGroupCaught() {
        RegexpDecoder d = new RegexpDecoder(List.of("^kworker/(\\d+):", "^(ssh)d$", "^java$"));
        assertThat(text(d, "kworker/3:1")).isEqualTo("3");
        assertThat(text(d, "sshd")).isEqualTo("ssh");
        assertThat(text(d, "java")).isEqualTo("java"); // no group: as it came
        assertThat(text(d, "bash")).isNull();
        assertThat(text(new RegexpDecoder(List.of("^a(b)?")), "ac")).isEmpty(); // an optional group that caught nothing
    }

    @Test
    void regexpDropsWhatMatchesNothing() {
        RegexpDecoder d = new RegexpDecoder(List.of("^kworker", "sh$"));
        assertThat(text(d, "kworker/0:1")).isEqualTo("kworker/0:1");
        assertThat(text(d, "bash")).isEqualTo("bash");
        assertThat(text(d, "java")).isNull();
        assertThatThrownBy(() -> new RegexpDecoder(List.of("("))).hasMessageStartingWith("regexps: Unclosed group");
    }

    @Test
    void cgroupIdsAreInodesOfTheCgroupTree(@TempDir Path root) throws Exception {
        Path pod = Files.createDirectories(root.resolve("kubepods.slice/pod-x"));
        long ino = (Long) Files.getAttribute(pod, "unix:ino");
        byte[] id = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(ino)
                .array();
        assertThat(new CgroupDecoder(root).decode(id, KeyContext.NONE))
                .asString()
                .isEqualTo("/kubepods.slice/pod-x");
        assertThat(decode(new CgroupDecoder(root), "ffffffffffff0000")).isEqualTo(Long.toString(0x0000ffffffffffffL));
        // a cgroup made just after a scan stays a number until the next scrape past the second rescans for it
        CgroupDecoder d = new CgroupDecoder(root);
        d.decode(id, KeyContext.NONE); // scans
        Path later = Files.createDirectories(root.resolve("kubepods.slice/pod-z"));
        String laterIno = Long.toHexString(Long.reverseBytes((Long) Files.getAttribute(later, "unix:ino")));
        assertThat(decode(d, String.format("%16s", laterIno).replace(' ', '0')))
                .isEqualTo(Long.toString((Long) Files.getAttribute(later, "unix:ino")));
        long generation = d.generation();
        Thread.sleep(1_100);
        assertThat(d.generation()).isGreaterThan(generation);
        assertThat(decode(d, String.format("%16s", laterIno).replace(' ', '0'))).isEqualTo("/kubepods.slice/pod-z");
        // labels reading one cgroup field share one decoder: one cache of paths, one rescan per unknown id
        assertThat(Decoders.of(new DecoderSpec("cgroup"))).isSameAs(Decoders.of(new DecoderSpec("cgroup")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f1b2c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope"
                        + "|3f1b2c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d|0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "/kubepods/besteffort/pod3f1b2c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d/fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
                        + "|3f1b2c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d|fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
            })
    void kubernetesPodAndContainerFromCgroupPaths(String path, String pod, String container) {
        assertThat(text(new KubePodDecoder(), path)).isEqualTo(pod);
        assertThat(text(new KubeContainerDecoder(), path)).isEqualTo(container);
    }

    @Test
    void nonKubernetesPathsAreDropped() {
        assertThat(text(new KubePodDecoder(), "/system.slice/sshd.service")).isNull();
        assertThat(text(new KubeContainerDecoder(), "/user.slice/user-0.slice")).isNull();
    }

    @Test
    void labelDecoderChainsAndCachesDrops() {
        LabelDecoder d = new LabelDecoder(List.of(new DecoderSpec("uint")));
        for (int i = 0; i < 3; i++)
            assertThat(d.decode(new byte[] {5, 0}, KeyContext.NONE)).isEqualTo("5");
        LabelDecoder filter = new LabelDecoder(List.of(new DecoderSpec("string"), regexp("^a")));
        assertThat(filter.decode("abc\0".getBytes(StandardCharsets.UTF_8), KeyContext.NONE))
                .isEqualTo("abc");
        assertThat(filter.decode("xyz\0".getBytes(StandardCharsets.UTF_8), KeyContext.NONE))
                .isNull();
        assertThat(filter.decode("xyz\0".getBytes(StandardCharsets.UTF_8), KeyContext.NONE))
                .isNull(); // cached drop
    }
}
