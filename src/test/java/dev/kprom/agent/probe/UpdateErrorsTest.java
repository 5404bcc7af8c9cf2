package dev.kprom.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.Daemon;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.Scrape;
import dev.kprom.testing.TestDaemons;
import dev.kprom.testing.TestLibC;
import dev.kprom.testing.TestObjects;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain hash that fills up refuses new keys; through kprom.h's kprom_count the program counts each refusal, and
 * kprom exports them as {@code kprom_map_update_errors_total{probe,map}} beside the map's entries and max_entries.
 */
@BpfTest
class UpdateErrorsTest {
    @Test
    void refusedInsertsIntoAFullMapAreCountedAndExported(@TempDir Path dir) throws Exception {
        String probeSet =
                """
                object: %s
                constants: {target_tgid: %d}
                programs:
                  - name: getppid
                    attach:
                      - {program: tp_getppid, tracepoint: syscalls/sys_enter_getppid}
                metrics:
                  counters:
                    - name: getppid_calls_total
                      help: getppid() calls of the test, one key each.
                      labels:
                        - {name: n, size: 4, decoders: [{name: uint}]}
                """
                        .formatted(
                                TestObjects.path("full_map_test.bpf.o"),
                                ProcessHandle.current().pid());
        try (Daemon d = TestDaemons.withProbeSet(dir, "full", probeSet)) {
            String before = Scrape.get(d.address(), "/metrics").body();
            assertThat(Scrape.value(
                            before, "kprom_map_update_errors_total{map=\"getppid_calls_total\",probe=\"full\"}"))
                    .isZero();
            assertThat(before).doesNotContain("kprom_map_update_errors_total{map=\"kprom_update_errors\"");

            for (int i = 0; i < 10; i++) TestLibC.getppid(); // 10 new keys for a map of 4
            Thread.sleep(1100); // the error counts are read at most once a second

            String after = Scrape.get(d.address(), "/metrics").body();
            assertThat(Scrape.value(after, "kprom_map_update_errors_total{map=\"getppid_calls_total\",probe=\"full\"}"))
                    .isEqualTo(6);
            assertThat(Scrape.value(after, "kprom_map_entries{map=\"getppid_calls_total\",probe=\"full\"}"))
                    .isEqualTo(4);
            assertThat(Scrape.value(after, "kprom_map_max_entries{map=\"getppid_calls_total\",probe=\"full\"}"))
                    .isEqualTo(4);
            assertThat(after).contains("kprom_getppid_calls_total{n=\"0\"} 1");
        }
    }
}
