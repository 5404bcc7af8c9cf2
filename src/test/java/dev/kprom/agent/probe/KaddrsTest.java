package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code kaddrs}: a kernel symbol's address from /proc/kallsyms reaches the program as {@code kaddr_<symbol>}, as
 * ebpf_exporter passes it; a symbol the kernel lacks, or an object without the variable, is a clear error.
 */
@BpfTest
class KaddrsTest {
    private static ProbeSetConfig probeSet(String kaddrs) {
        return ConfigLoader.parseProbeSet(
                "kaddr",
                "kaddr.yaml",
                "object: " + TestObjects.path("kaddr_test.bpf.o") + "\n" + kaddrs + "\n"
                        + "programs:\n  - name: getppid\n    attach:\n"
                        + "      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}\n",
                null);
    }

    @Test
    void theSymbolsAddressReachesTheProgram() {
        long expected = Kallsyms.system().addresses(Set.of("jiffies_to_msecs")).get("jiffies_to_msecs");
        assertThat(expected).isNotZero();
        try (ProbeSet set = loader().load(probeSet("kaddrs: [jiffies_to_msecs]"))) {
            TestLibC.getppid();
            List<Long> seen = new ArrayList<>();
            set.object().map("seen").reader().forEach((k, ko, v, vo) -> seen.add(v.getLong(vo)));
            assertThat(seen).containsExactly(expected);
        }
    }

    @Test
    void aSymbolTheKernelLacksAndAVariableTheObjectLacksAreNamed() {
        assertThatThrownBy(() -> loader().load(probeSet("kaddrs: [kprom_no_such_symbol]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kaddrs[0]: the kernel has no symbol kprom_no_such_symbol");
        assertThatThrownBy(() -> ProbeSetBinder.check(probeSet("kaddrs: [jiffies_to_usecs]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kaddrs[0]: kaddr_jiffies_to_usecs: ");
    }
}
