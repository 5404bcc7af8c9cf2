package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.LoadedProbes;
import dev.kprom.testing.TestObjects;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BPF iterators as a metric source: one series per test process, records of one key added up, bounds enforced. */
@BpfTest
class IteratorTest {
    private static final Path THREADS = Path.of("target/test-bin/threads").toAbsolutePath();

    @TempDir
    Path dir;

    private static ProbeSetConfig probeSet(String iterators, String metrics) {
        return ConfigLoader.parseProbeSet(
                "iter",
                "iter.yaml",
                "object: " + TestObjects.path("iter_test.bpf.o") + "\n"
                        + "constants: {prefix: kpiter_}\n"
                        + "iterators:\n" + iterators
                        + "metrics:\n  gauges:\n" + metrics,
                null);
    }

    private static final String PROCESSES = "  - {name: processes, program: dump_processes, record: process_record}\n";
    private static final String THREADS_GAUGE = "    - name: process_threads\n      map: processes\n"
            + "      help: Threads of each test process.\n"
            + "      value: {field: threads}\n"
            + "      labels:\n"
            + "        - {name: pid, field: tgid, decoders: [{name: uint}]}\n"
            + "        - {name: comm, decoders: [{name: string}]}\n";

    /** Starts a process of {@code threads} threads under command name {@code comm}; it ends when its stdin closes. */
    private Process start(String comm, int threads) throws Exception {
        Path binary = dir.resolve(comm);
        if (!Files.exists(binary)) Files.copy(THREADS, binary);
        binary.toFile().setExecutable(true);
        Process p = new ProcessBuilder(binary.toString(), Integer.toString(threads)).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).isEqualTo("ready");
        return p;
    }

    @Test
    void eachProcessIsOneSeriesItsThreadsAddedUpAndGoneWhenItExits() throws Exception {
        String comm = LoadedProbes.comm("kpiter_");
        List<Process> processes = new ArrayList<>();
        try (ProbeSet set = loader().load(probeSet(PROCESSES, THREADS_GAUGE))) {
            processes.add(start(comm, 1));
            processes.add(start(comm, 1));
            processes.add(start(comm, 4));
            String text = scrape(set);
            for (int i = 0; i < processes.size(); i++) {
                String series = "kprom_process_threads{comm=\"" + comm + "\",pid=\""
                        + processes.get(i).pid() + "\"}";
                assertThat(value(text, series)).as(series).isEqualTo(i == 2 ? 4.0 : 1.0);
            }
            assertThat(text.lines().filter(l -> l.startsWith("kprom_process_threads{")))
                    .hasSize(3);
            assertThat(set.status().programs())
                    .contains(new ProgramStatus("processes", "dump_processes", "iter task", List.of()));

            processes.get(0).getOutputStream().close();
            processes.get(0).waitFor();
            text = scrape(set);
            assertThat(text).doesNotContain("pid=\"" + processes.get(0).pid() + "\"");
            assertThat(text.lines().filter(l -> l.startsWith("kprom_process_threads{")))
                    .hasSize(2);
        } finally {
            for (Process p : processes) p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aReadPastMaxBytesFailsAndServesNothingOfIt() throws Exception {
        ProbeSetConfig config = probeSet(
                "  - {name: big, program: dump_big, record: big_record, max_bytes: 4096}\n",
                "    - {name: big, help: h, labels: [{name: k, decoders: [{name: uint}]}]}\n");
        try (ProbeSet set = loader().load(config)) {
            assertThat(scrape(set)).doesNotContain("kprom_big{");
            MapMetricCollector collector = set.collectors().get(0);
            assertThat(collector.status().lastError())
                    .contains("iterator big (program dump_big) wrote more than its max_bytes, 4096 bytes");
        }
    }

    @Test
    void afterCloseAReadFailsInsteadOfUsingAStaleFd() throws Exception {
        ProbeSet set = loader().load(probeSet(PROCESSES, THREADS_GAUGE));
        MapMetricCollector collector = set.collectors().get(0);
        set.close();
        collector.collect();
        assertThat(collector.status().lastError())
                .contains("iterator processes (program dump_processes) is not attached");
    }

    @Test
    void checkConfigNamesAProgramThatIsNoIteratorAndARecordOfTheWrongShape() {
        assertThatThrownBy(() -> ProbeSetBinder.check(probeSet(
                        "  - {name: a, program: not_an_iterator, record: process_record}\n"
                                + "  - {name: b, program: dump_processes, record: no_value}\n"
                                + "  - {name: c, program: dump_processes, record: nothing_like_it}\n"
                                + "  - {name: d, program: nope, record: process_record}\n",
                        "    - {name: e, help: h, labels: [{name: k, size: 4, decoders: [{name: uint}]}]}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("iterators[0].program: program not_an_iterator is"
                        + " SEC(\"tracepoint/syscalls/sys_enter_getppid\"), not an iterator (SEC(\"iter/...\"))")
                .hasMessageContaining("iterators[1].record: struct no_value must have members named key and value"
                        + " (has: key, count)")
                .hasMessageContaining("iterators[2].record: iter_test.bpf.o has no struct nothing_like_it in its BTF")
                .hasMessageContaining("iterators[3].program: iter_test.bpf.o has no program nope")
                .hasMessageContaining("metrics.gauges[0].name: iter_test.bpf.o has no map \"e\"")
                .hasMessageContaining("nor a source of that name (iterators and inventory tables: a, d)");
    }

    @Test
    void checkConfigRefusesAnIteratorWithoutProgramOrRecordAndATinyMaxBytes() {
        assertThatThrownBy(() -> probeSet(
                        "  - {name: a, max_bytes: 100}\n",
                        "    - {name: a, help: h, labels: [{name: k, decoders: [{name: uint}]}]}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("iterators[0].program: is required")
                .hasMessageContaining("iterators[0].record: is required")
                .hasMessageContaining("iterators[0].max_bytes: must be 4096 to 1073741824 (got 100)");
    }
}
