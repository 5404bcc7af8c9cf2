package dev.kprom.agent.inventory;

import static dev.kprom.testing.LoadedProbes.loader;
import static dev.kprom.testing.LoadedProbes.scrape;
import static dev.kprom.testing.LoadedProbes.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.UprobeTest;
import dev.kprom.testing.BpfTest;
import dev.kprom.testing.KernelEvents;
import dev.kprom.testing.LoadedProbes;
import dev.kprom.testing.TestObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The BPF inventory against the real kernel: objects kprom loads and objects another process (bpftool) loads and
 * pins, with ids, names, types, holders, pins, exact entry counts and run counts; gone objects leave the output.
 */
@BpfTest
class InventoryTest {
    private static final Path BPFFS = Path.of("/sys/fs/bpf");
    private final String tag = LoadedProbes.comm("kpinv");
    private final Path pinnedMap = BPFFS.resolve(tag + "_map");
    private final Path pinnedProgram = BPFFS.resolve(tag + "_prog");

    /** config/probes/bpf_inventory.yaml, walking at every scrape. */
    private static ProbeSetConfig inventory() throws Exception {
        return inventory(1_000_000);
    }

    /** config/probes/bpf_inventory.yaml, walking at every scrape and counting at most {@code budget} keys. */
    private static ProbeSetConfig inventory(long budget) throws Exception {
        String yaml = Files.readString(Path.of("config/probes/bpf_inventory.yaml"))
                .replace("refresh_seconds: 10 ", "refresh_seconds: 0  ")
                .replace("entries_budget: 1000000 ", "entries_budget: " + budget + " ");
        assertThat(yaml).contains("refresh_seconds: 0 ", "entries_budget: " + budget + " ");
        return ConfigLoader.parseProbeSet("bpf_inventory", "bpf_inventory.yaml", yaml, null);
    }

    private final List<Path> pins = new java.util.ArrayList<>(List.of(pinnedMap, pinnedProgram));

    @AfterEach
    void unpin() throws Exception {
        for (Path p : pins) Files.deleteIfExists(p);
    }

    /** Waits out the time in which one walk serves every read, so that the next scrape walks anew. */
    private static void nextWalk() throws InterruptedException {
        Thread.sleep(BpfInventory.SHARED_NANOS / 1_000_000 + 50);
    }

    /** A map of {@code type} pinned at {@code pin}, named as its file, with keys 0..n-1 ({@code key} bytes each). */
    private void pinnedMap(Path pin, String type, int keySize, String flags, int n) throws Exception {
        pins.add(pin);
        KernelEvents.sh("bpftool map create " + pin + " type " + type + " key " + keySize + " value 8 entries 64 name "
                + pin.getFileName() + flags);
        for (int i = 0; i < n; i++) {
            String key = keySize == 8 ? "32 0 0 0 " + i + " 0 0 0" : i + " 0 0 0"; // lpm_trie: {prefixlen; data}
            KernelEvents.sh("bpftool map update pinned " + pin + " key " + key + " value 1 0 0 0 0 0 0 0");
        }
    }

    /** The one line of {@code metric} in {@code text} that has every one of {@code labels}, or null. */
    private static String line(String text, String metric, String... labels) {
        List<String> found = text.lines()
                .filter(l -> l.startsWith(metric + "{"))
                .filter(l -> List.of(labels).stream().allMatch(l::contains))
                .toList();
        assertThat(found.size()).as("%s with %s", metric, List.of(labels)).isLessThanOrEqualTo(1);
        return found.isEmpty() ? null : found.get(0);
    }

    private static int bpftoolId(String kind, Path pin) throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", kind, "show", "pinned", pin.toString()).start();
        int id = new ObjectMapper().readTree(p.getInputStream()).path("id").asInt();
        assertThat(p.waitFor()).isZero();
        return id;
    }

    @Test
    void aMapAndAProgramOfAnotherProcessShowWithPinsAndExactEntries() throws Exception {
        KernelEvents.sh("bpftool map create " + pinnedMap + " type hash key 4 value 8 entries 64 name " + tag);
        for (int i = 0; i < 7; i++)
            KernelEvents.sh("bpftool map update pinned " + pinnedMap + " key " + i + " 0 0 0 value 1 0 0 0 0 0 0 0");
        KernelEvents.sh("bpftool prog load " + TestObjects.path("tailcall_test.bpf.o") + " " + pinnedProgram);
        int mapId = bpftoolId("map", pinnedMap);
        int programId = bpftoolId("prog", pinnedProgram);
        try (ProbeSet set = loader().load(inventory())) {
            String text = scrape(set);
            String id = "id=\"" + mapId + "\"";
            assertThat(line(text, "kprom_bpf_map_info", id))
                    .contains("name=\"" + tag + "\"", "type=\"hash\"", "key_size=\"4\"", "value_size=\"8\"")
                    .contains("pinned=\"" + pinnedMap + "\"", "pid=\"0\""); // bpftool exited: only the pin holds it
            assertThat(value(text, "kprom_bpf_map_entries{" + id + ",name=\"" + tag + "\"}"))
                    .isEqualTo(7);
            assertThat(value(text, "kprom_bpf_map_max_entries{" + id + ",name=\"" + tag + "\"}"))
                    .isEqualTo(64);
            assertThat(line(text, "kprom_bpf_program_info", "id=\"" + programId + "\""))
                    .contains("name=\"dispatcher\"", "type=\"tracepoint\"", "pinned=\"" + pinnedProgram + "\"");
            assertThat(value(text, "kprom_bpf_maps_uncounted")).isZero();

            KernelEvents.sh("bpftool map delete pinned " + pinnedMap + " key 3 0 0 0");
            nextWalk();
            assertThat(value(scrape(set), "kprom_bpf_map_entries{" + id + ",name=\"" + tag + "\"}"))
                    .isEqualTo(6);
        }
    }

    @Test
    void everyKindOfHashMapIsCountedExactlyAndMapsWithoutACountWithinTheBudget() throws Exception {
        Path lru = BPFFS.resolve(tag + "l");
        Path percpu = BPFFS.resolve(tag + "p");
        Path noPrealloc = BPFFS.resolve(tag + "n");
        Path trie = BPFFS.resolve(tag + "t");
        pinnedMap(lru, "lru_hash", 4, "", 5);
        pinnedMap(percpu, "percpu_hash", 4, "", 4);
        pinnedMap(noPrealloc, "hash", 4, " flags 1", 3); // BPF_F_NO_PREALLOC
        pinnedMap(trie, "lpm_trie", 8, " flags 1", 7); // keeps no count: counted key by key
        try (ProbeSet set = loader().load(inventory(1_000_000))) {
            String text = scrape(set);
            int[] expected = {5, 4, 3, 7};
            Path[] maps = {lru, percpu, noPrealloc, trie};
            for (int i = 0; i < maps.length; i++) {
                String series = "kprom_bpf_map_entries{id=\"" + bpftoolId("map", maps[i]) + "\",name=\""
                        + maps[i].getFileName() + "\"}";
                assertThat(value(text, series)).as(series).isEqualTo(expected[i]);
            }
        }
        int trieId = bpftoolId("map", trie);
        try (ProbeSet set = loader().load(inventory(3))) { // 7 keys to walk, 3 allowed
            String text = scrape(set);
            assertThat(line(text, "kprom_bpf_map_info", "id=\"" + trieId + "\""))
                    .contains("type=\"lpm_trie\"");
            assertThat(line(text, "kprom_bpf_map_entries", "id=\"" + trieId + "\""))
                    .isNull();
            assertThat(value(text, "kprom_bpf_maps_uncounted")).isGreaterThanOrEqualTo(1);
            assertThat(line(text, "kprom_bpf_map_entries", "id=\"" + bpftoolId("map", lru) + "\""))
                    .isNotNull();
        }
    }

    @Test
    void ourProgramShowsItsHolderLinkAndExactRunsAndLeavesWhenUnloaded() throws Exception {
        Path stats = Path.of("/proc/sys/kernel/bpf_stats_enabled");
        String statsBefore = Files.readString(stats).trim();
        long pid = ProcessHandle.current().pid();
        String comm = Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        try (ProbeSet inventory = loader().load(inventory())) {
            int id;
            try (ProbeSet uprobes =
                    loader().load(UprobeTest.probeSet(UprobeTest.TARGET.toString(), "kprom_target", null))) {
                id = uprobes.programs().get("entry").id();
                Files.writeString(stats, "1");
                nextWalk();
                String before = scrape(inventory);
                String series = "kprom_bpf_program_runs_total{id=\"" + id + "\",name=\"uprobe_target\"}";
                UprobeTest.run(UprobeTest.target(25));
                nextWalk();
                String after = scrape(inventory);
                assertThat(value(after, series) - value(before, series)).isEqualTo(25);
                assertThat(line(after, "kprom_bpf_program_info", "id=\"" + id + "\""))
                        .contains("name=\"uprobe_target\"", "type=\"kprobe\"") // uprobes are kprobe programs
                        .contains("pid=\"" + pid + "\"", "comm=\"" + comm + "\"", "pinned=\"\"")
                        .contains("attach=\"uprobe " + UprobeTest.TARGET + "+");
                assertThat(line(after, "kprom_bpf_link_info", "program_id=\"" + id + "\""))
                        .contains("type=\"perf_event\"", "attach=\"uprobe " + UprobeTest.TARGET + "+")
                        .contains("pid=\"" + pid + "\"");
                assertThat(line(after, "kprom_bpf_program_run_seconds_total", "id=\"" + id + "\""))
                        .isNotNull();
            } finally {
                Files.writeString(stats, statsBefore);
            }
            nextWalk();
            String gone = scrape(inventory);
            assertThat(line(gone, "kprom_bpf_program_info", "id=\"" + id + "\""))
                    .isNull();
            assertThat(line(gone, "kprom_bpf_link_info", "program_id=\"" + id + "\""))
                    .isNull();
            assertThat(value(gone, "kprom_bpf_programs")).isPositive();
        }
    }
}
