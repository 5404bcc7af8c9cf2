package dev.kprom.agent.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kprobe targets resolve only to function symbols the kernel has now: never to a stale name. */
class KallsymsTest {
    @Test
    void triesTheNameThenTheArchWrapperThenTheInnerFunction() {
        assertThat(new Kallsyms(Path.of("/dev/null"), "amd64").candidates("sys_connect"))
                .containsExactly("sys_connect", "__x64_sys_connect", "__se_sys_connect", "__sys_connect");
        assertThat(new Kallsyms(Path.of("/dev/null"), "aarch64").candidates("sys_connect"))
                .containsExactly("sys_connect", "__arm64_sys_connect", "__se_sys_connect", "__sys_connect");
        assertThat(new Kallsyms(Path.of("/dev/null"), "amd64").candidates("tcp_v4_connect"))
                .containsExactly("tcp_v4_connect");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // kernel era                     | symbols present (type name)                              | target
                //    | resolves to
                "5.x+ x86_64 (wrapper and inner)  | T __x64_sys_connect;T __sys_connect;T __ia32_sys_connect | sys_connect  | __x64_sys_connect",
                "inner only                       | T __sys_connect                                          | sys_connect  | __sys_connect",
                "before 4.17 (plain name)         | T sys_connect;T SyS_connect                              | sys_connect  | sys_connect",
                "explicit inner name              | T __x64_sys_connect;T __sys_connect                      | __sys_connect| __sys_connect",
                "local (t) symbols count          | t __x64_sys_execve                                       | sys_execve   | __x64_sys_execve",
                "module symbol                    | t my_func\t[my_mod]                                      | my_func      | my_func"
            })
    void resolvesToTheSymbolThatExists(String era, String symbols, String target, String expected, @TempDir Path dir)
            throws Exception {
        Path file = write(dir, symbols);
        assertThat(new Kallsyms(file, "amd64").resolve(target)).as(era).contains(expected);
    }

    @Test
    void aNameThatNoLongerExistsResolvesToNothing(@TempDir Path dir) throws Exception {
        // data symbols (D, d, b) and near-misses are not functions we can probe
        Path file = write(dir, "D sys_connect;T __x64_sys_connectat;b __sys_connect;T do_sys_connect");
        assertThat(new Kallsyms(file, "amd64").resolve("sys_connect")).isEmpty();
    }

    @Test
    void readsTheRunningKernel() {
        assertThat(Kallsyms.system().resolve("sys_execve")).get().asString().endsWith("sys_execve");
    }

    private static Path write(Path dir, String symbols) throws Exception {
        StringBuilder b = new StringBuilder("ffffffff81000000 T _stext\n");
        for (String s : symbols.split(";"))
            b.append("ffffffff81234560 ").append(s.trim()).append('\n');
        return Files.writeString(dir.resolve("kallsyms"), b.toString());
    }
}
