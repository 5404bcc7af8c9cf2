package dev.kprom.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.TestObjects;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Opening, loading and inspecting real objects; failures name the object, program and errno. */
@BpfTest
class BpfObjectTest {
    @Test
    void listsProgramsAndMapsWithTheirTypesAndSizes() {
        try (BpfObject obj = BpfObject.openFile(TestObjects.path("fallback_test.bpf.o"))) {
            assertThat(obj.programs())
                    .extracting(BpfProgram::name)
                    .containsExactlyInAnyOrder("tp_rejected", "tp_getppid", "kprobe_getppid", "fentry_getppid");
            for (BpfProgram p : obj.programs()) p.setAutoload(p.name().equals("tp_getppid"));
            obj.load();
            BpfMap map = obj.map("getppid_total");
            assertThat(map.type()).isEqualTo(MapType.HASH);
            assertThat(map.keySize()).isEqualTo(4);
            assertThat(map.valueSize()).isEqualTo(8);
            assertThat(map.maxEntries()).isEqualTo(1024);
            assertThat(obj.program("tp_getppid").id()).isPositive();
        }
    }

    @Test
    void verifierRejectionNamesTheProgramAndErrnoWithTheVerifierLog() {
        try (BpfObject obj = BpfObject.openFile(TestObjects.path("fallback_test.bpf.o"))) {
            for (BpfProgram p : obj.programs()) p.setAutoload(p.name().equals("tp_rejected"));
            assertThatThrownBy(obj::load).isInstanceOfSatisfying(BpfLoadException.class, e -> {
                assertThat(e.program()).contains("tp_rejected");
                assertThat(e.getMessage())
                        .startsWith("load fallback_test.bpf.o: program tp_rejected: EACCES (13): Permission denied")
                        .contains("invalid mem access 'map_value_or_null'");
            });
        }
    }

    @Test
    void openingAMissingFileNamesItAndTheErrno() {
        assertThatThrownBy(() -> BpfObject.openFile(Path.of("/nonexistent/x.bpf.o")))
                .isInstanceOf(BpfException.class)
                .hasMessage("open /nonexistent/x.bpf.o: ENOENT (2): No such file or directory");
    }

    @Test
    void openingGarbageFails() {
        assertThatThrownBy(() -> BpfObject.openMemory("garbage.bpf.o", new byte[] {1, 2, 3, 4}))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("open garbage.bpf.o: ");
    }

    @Test
    void unknownProgramAndMapNamesListWhatExists() {
        try (BpfObject obj = BpfObject.openFile(TestObjects.path("fallback_test.bpf.o"))) {
            assertThatThrownBy(() -> obj.program("nope"))
                    .hasMessageContaining("fallback_test.bpf.o has no program nope (it has: ");
            assertThatThrownBy(() -> obj.map("nope"))
                    .hasMessage(
                            "fallback_test.bpf.o has no map nope (it has: getppid_total, kprom_update_errors, .rodata.str1.1)");
        }
    }
}
