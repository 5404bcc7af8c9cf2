package dev.kprom.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.testing.BpfTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm of new keys (processes with ever-new command names) must not blind a count map: the built-in execve
 * map, made to hold 16 keys here, evicts old keys (an LRU hash) and still counts a command that comes after.
 */
@BpfTest
class MapStormTest {
    @Test
    void aFullCountMapEvictsOldKeysAndStillCountsNewOnes(@TempDir Path dir) throws Exception {
        BpfObject object = BpfObject.openFile(Path.of("target/bpf/execve.bpf.o"));
        try (object) {
            object.programs().forEach(p -> p.setAutoload(p.name().equals("tp_execve")));
            BpfMap map = object.map("execve_total");
            assertThat(map.type()).isEqualTo(MapType.LRU_HASH);
            map.setMaxEntries(16);
            object.load();
            try (BpfLink link = object.program("tp_execve").attachTracepoint("syscalls", "sys_enter_execve")) {
                String tag = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
                for (int i = 0; i < 40; i++) run(dir, "st" + tag + i); // 40 new keys for a 16-key map
                String last = "nw" + tag;
                run(dir, last);
                List<String> comms = comms(map);
                assertThat(comms).hasSizeLessThanOrEqualTo(16).contains(last);
            }
        }
    }

    /** A copy of sh named {@code comm} execs /bin/true once: one execve with that comm. */
    private static void run(Path dir, String comm) throws Exception {
        Path shell = Files.copy(Path.of("/bin/sh"), dir.resolve(comm));
        Process p = new ProcessBuilder(shell.toString(), "-c", "/bin/true")
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
    }

    private static List<String> comms(BpfMap map) {
        List<String> comms = new ArrayList<>();
        map.reader().forEach((keys, ko, values, vo) -> {
            byte[] comm = new byte[16];
            keys.get(ko + 4, comm);
            int n = 0;
            while (n < comm.length && comm[n] != 0) n++;
            comms.add(new String(comm, 0, n, StandardCharsets.UTF_8));
        });
        return comms;
    }
}
