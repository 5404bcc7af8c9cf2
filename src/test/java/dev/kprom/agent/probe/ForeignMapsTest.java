package dev.kprom.agent.probe;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.LoadedProbes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Maps another process made, read as a probe set's own: found by pin, id, or name and holder; laid out by their own
 * BTF; left byte for byte as they were.
 */
@BpfTest
class ForeignMapsTest {
    private final String tag = LoadedProbes.comm("kpfm");
    private final Path programs = Path.of("/sys/fs/bpf", tag + "_progs");
    private final Path maps = Path.of("/sys/fs/bpf", tag + "_maps");
    private final Path exits = maps.resolve("process_exits_total");

    @AfterEach
    void unpin() throws Exception {
        KernelEvents.sh("rm -rf " + programs + " " + maps);
    }

    private static ProbeSetConfig probeSet(String foreign) {
        return ConfigLoader.parseProbeSet(
                "foreign",
                "foreign.yaml",
                "foreign_maps:\n" + foreign
                        + "metrics:\n  counters:\n"
                        + "    - name: foreign_exits_total\n      map: exits\n      help: h\n      labels:\n"
                        + "        - {name: comm, decoders: [{name: string}]}\n" // no sizes: the map's BTF says
                        + "        - {name: status, decoders: [{name: uint}]}\n"
                        + "        - {name: signal, decoders: [{name: uint}]}\n",
                null);
    }

    /** bpftool loads process_exits.bpf.o (its map has BTF) and pins its maps; three keys go in. */
    private void pinAnotherProgramsMap() throws Exception {
        KernelEvents.sh("bpftool prog loadall target/bpf/process_exits.bpf.o " + programs + " pinmaps " + maps);
        String[] comms = {"alpha", "beta", "gamma"};
        for (int i = 0; i < comms.length; i++) {
            StringBuilder key = new StringBuilder();
            byte[] comm = comms[i].getBytes(StandardCharsets.US_ASCII);
            for (int b = 0; b < 16; b++)
                key.append(b < comm.length ? comm[b] : 0).append(' ');
            key.append(i + 1).append(" 0 0 0 ").append(i == 2 ? 9 : 0).append(" 0 0 0"); // status, signal
            key.append(" 0 0 0 0 0 0 0 0"); // cgroup
            KernelEvents.sh("bpftool map update pinned " + exits + " key " + key + " value " + (10 * (i + 1))
                    + " 0 0 0 0 0 0 0");
        }
    }

    private String dump() throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", "map", "dump", "pinned", exits.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out;
    }

    private int id() throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", "map", "show", "pinned", exits.toString()).start();
        int id = new ObjectMapper().readTree(p.getInputStream()).path("id").asInt();
        assertThat(p.waitFor()).isZero();
        return id;
    }

    private static void assertExact(String text) {
        assertThat(value(text, "kprom_foreign_exits_total{comm=\"alpha\",signal=\"0\",status=\"1\"}"))
                .isEqualTo(10);
        assertThat(value(text, "kprom_foreign_exits_total{comm=\"beta\",signal=\"0\",status=\"2\"}"))
                .isEqualTo(20);
        assertThat(value(text, "kprom_foreign_exits_total{comm=\"gamma\",signal=\"9\",status=\"3\"}"))
                .isEqualTo(30);
        assertThat(text.lines().filter(l -> l.startsWith("kprom_foreign_exits_total{")))
                .hasSize(3);
    }

    @Test
    void aPinnedMapIsReadWithItsOwnBtfAndLeftUnchanged() throws Exception {
        pinAnotherProgramsMap();
        String before = dump();
        try (ProbeSet set = loader().load(probeSet("  - {name: exits, pinned: " + exits + "}\n"))) {
            assertExact(scrape(set));
            assertExact(scrape(set));
            assertThat(set.status().object()).isEqualTo("(foreign maps)");
        }
        assertThat(dump()).isEqualTo(before);
        assertThat(Files.exists(exits)).isTrue(); // closing kprom's fd left the pin
    }

    @Test
    void aMapIsFoundByIdAndByNameAndHolder() throws Exception {
        pinAnotherProgramsMap();
        try (ProbeSet set = loader().load(probeSet("  - {name: exits, id: " + id() + "}\n"))) {
            assertExact(scrape(set));
        }
        String comm = Files.readString(
                        Path.of("/proc/" + ProcessHandle.current().pid() + "/comm"))
                .trim();
        try (ProbeSet ours = loader().load(ConfigLoader.loadProbeSet("process_exits", Path.of("config/probes")))) {
            // two maps are named process_exits_t(otal) now: the holder tells them apart
            assertThatThrownBy(() -> loader().load(probeSet("  - {name: exits, map_name: process_exits_t}\n")))
                    .isInstanceOf(ProbeSetException.class)
                    .hasMessageContaining("foreign map exits: 2 maps match map named process_exits_t (ids ");
            try (ProbeSet set =
                    loader().load(probeSet("  - {name: exits, map_name: process_exits_t, owner: " + comm + "}\n"))) {
                assertThat(scrape(set)).doesNotContain("comm=\"alpha\""); // ours, empty: not bpftool's
            }
        }
    }

    @Test
    void aMissingPinSaysWhichAndWhy() {
        assertThatThrownBy(() -> loader().load(probeSet("  - {name: exits, pinned: /sys/fs/bpf/" + tag + "_none}\n")))
                .isInstanceOf(ProbeSetException.class)
                .hasMessageContaining(
                        "probe set foreign: foreign map exits: cannot open pinned map /sys/fs/bpf/" + tag + "_none")
                .hasMessageContaining("ENOENT");
    }

    @Test
    void checkConfigWantsOneWayToFindEachMap() {
        assertThatThrownBy(() -> probeSet("  - {name: exits, pinned: relative, id: 3}\n  - {name: b, owner: x}\n"))
                .hasMessageContaining("foreign_maps[0]: needs exactly one of pinned, id, map_name (got 2)")
                .hasMessageContaining("foreign_maps[0]: pinned: must be an absolute bpffs path")
                .hasMessageContaining("foreign_maps[1]: needs exactly one of pinned, id, map_name (got 0)")
                .hasMessageContaining("foreign_maps[1]: owner: narrows map_name only");
        ProbeSetBinder.check(probeSet("  - {name: exits, pinned: /sys/fs/bpf/" + tag + "_none}\n")); // not opened
    }
}
