package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.comm;
import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cachestat on this kernel: a cold read's misses and a write's dirtied folios, by the command that caused them; the
 * access slot (fentry or kprobes only, neither of which this kernel offers) left empty, saying why, and the probe
 * set running without it. Accesses are counted on Debian's 6.1 in the kernel matrix.
 */
@BpfTest
class CachestatTest {
    private static ProbeSet load() {
        return new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), n -> CollectObserver.IGNORE)
                .load(ConfigLoader.loadProbeSet("cachestat", Path.of("config/probes")));
    }

    @Test
    void aColdReadMissesAWriteDirtiesAndAccessesNeedAKernelWithKprobesOrFentry(@TempDir Path dir) throws Exception {
        String comm = comm("kcs");
        Path data = Path.of("target", "cachestat-" + comm).toAbsolutePath(); // the project's disk: a block device
        Path dd = Files.copy(Path.of("/bin/dd"), dir.resolve(comm));
        try (ProbeSet set = load()) {
            ProgramStatus access = set.status().programs().stream()
                    .filter(p -> p.slot().equals("access"))
                    .findFirst()
                    .orElseThrow();
            assertThat(access.attach()).isEqualTo("none (optional)");
            assertThat(access.skipped()).hasSize(3); // fentry refused, no kprobes: each says so

            KernelEvents.sh(dd + " if=/dev/zero of=" + data + " bs=64k count=1 conv=fsync status=none"); // 16 pages
            String written = scrape(set);
            double dirtied = value(written, series("dirty", comm));
            // the data's folios (16 of one page, or fewer larger ones), and the few metadata blocks the write dirtied
            assertThat(dirtied).isBetween(1.0, 16.0 + 8);

            KernelEvents.sh(dd + " if=" + data + " iflag=nocache count=0 status=none"); // this file's pages dropped
            KernelEvents.sh(dd + " if=" + data + " of=/dev/null bs=64k status=none");
            double missed = value(scrape(set), series("miss", comm));
            assertThat(missed).isBetween(1.0, 16.0 + 8); // the data's folios, and a metadata block read with them
            KernelEvents.sh(dd + " if=" + data + " of=/dev/null bs=64k status=none"); // cached now: no miss
            String warm = scrape(set);
            assertThat(value(warm, series("miss", comm))).isEqualTo(missed);
            assertThat(warm).doesNotContain("op=\"access\"");
        } finally {
            Files.deleteIfExists(data);
        }
    }

    private static String series(String op, String comm) {
        return "kprom_page_cache_ops_total{comm=\"" + comm + "\",op=\"" + op + "\"}";
    }
}
