package dev.kprom.agent.libbpf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void namesErrnoByNameAndNumber() {
        assertThat(Errno.name(Errno.EPERM)).isEqualTo("EPERM (1)");
        assertThat(Errno.describe(Errno.ENOENT)).isEqualTo("ENOENT (2): No such file or directory");
        assertThat(Errno.describe(Errno.ENOTSUPP)).isEqualTo("ENOTSUPP (524): Operation not supported");
        assertThat(Errno.name(4095)).isEqualTo("errno (4095)");
    }

    @Test
    void exceptionsSayWhatAndErrno() {
        assertThat(BpfException.check(3, "x")).isEqualTo(3);
        BpfException e = new BpfException("read map execve_total of execve.bpf.o (bpf_map_lookup_batch)", Errno.EINVAL);
        assertThat(e)
                .hasMessage(
                        "read map execve_total of execve.bpf.o (bpf_map_lookup_batch): EINVAL (22): Invalid argument");
        assertThat(e.errno()).isEqualTo(22);
    }
}
