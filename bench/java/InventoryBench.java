import com.sun.jna.Memory;
import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.bpf.MapType;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.collect.MapMetricCollector;
import dev.kprom.exporter.exposition.TextExposition;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The BPF inventory of a crowded node: 1,000 programs (target/test-bpf/one_program.bpf.o loaded 1,000 times) and
 * 1,000 hash maps of 16 entries each, created here; then, in the same run, the median time of one kprom scrape of
 * config/probes/bpf_inventory.yaml as /metrics makes it (a new walk: the iterators, links, holders, pins, run stats and
 * memlock where they changed, entry counts; then decoding and the text format) and of
 * bpftool's dump of the same objects ({@code bpftool -j prog show} plus {@code bpftool -j map show}). Prints RESULT
 * lines.
 *
 *   java -cp target/kprom.jar bench/java/InventoryBench.java [reps]
 */
public final class InventoryBench {
    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int programs = 1000;
        int maps = 1000;
        byte[] elf = Files.readAllBytes(Path.of("target/test-bpf/one_program.bpf.o"));
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (int i = 0; i < programs; i++) {
                BpfObject o = BpfObject.openMemory("one_program.bpf.o", elf);
                held.add(o);
                o.load();
            }
            try (Memory key = new Memory(4);
                    Memory value = new Memory(8)) {
                for (int i = 0; i < maps; i++) {
                    BpfMap m = BpfMap.create(MapType.HASH, "inv_bench_" + i, 4, 8, 64);
                    held.add(m);
                    for (int k = 0; k < 16; k++) {
                        key.setInt(0, k);
                        value.setLong(0, k);
                        m.update(key, value);
                    }
                }
            }
            String yaml = Files.readString(Path.of("config/probes/bpf_inventory.yaml"))
                    .replace("refresh_seconds: 10 ", "refresh_seconds: 0  ");
            try (ProbeSet set = new ProbeSetLoader(
                            Tracefs.ensureMounted(), Kallsyms.system(), n -> CollectObserver.IGNORE)
                    .load(ConfigLoader.parseProbeSet("bpf_inventory", "bpf_inventory.yaml", yaml, null))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(4 << 20);
                for (int w = 0; w < 5; w++) {
                    Thread.sleep(300); // past the window in which a walk serves every read: each scrape walks anew
                    scrape(set, out);
                }
                Path stats = Path.of("/proc/sys/kernel/bpf_stats_enabled");
                String statsBefore = Files.readString(stats).trim();
                try {
                    for (String mode : List.of("0", "1")) { // bpf_stats on: every program's run stats read anew
                        Files.writeString(stats, mode);
                        measure(set, out, reps, "bpf_stats=" + mode);
                    }
                } finally {
                    Files.writeString(stats, statsBefore);
                }
            }
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) held.get(i).close();
        }
    }

    /** kprom's scrapes and bpftool's dumps, interleaved so that both see the same machine; prints RESULT lines. */
    private static void measure(ProbeSet set, ByteArrayOutputStream out, int reps, String mode) throws Exception {
        long[] kprom = new long[reps];
        long[] bpftool = new long[reps];
        for (int r = 0; r < reps; r++) {
            Thread.sleep(300);
            long t = System.nanoTime();
            scrape(set, out);
            kprom[r] = System.nanoTime() - t;
            t = System.nanoTime();
            run("bpftool", "-j", "prog", "show");
            run("bpftool", "-j", "map", "show");
            bpftool[r] = System.nanoTime() - t;
        }
        String text = out.toString();
        System.out.printf(
                "RESULT method=kprom_scrape %s programs=%d maps=%d counted=%d ms=%.1f walk_ms=%.1f bytes=%d%n",
                mode,
                count(text, "kprom_bpf_program_info{"),
                count(text, "kprom_bpf_map_info{"),
                count(text, "kprom_bpf_map_entries{"),
                median(kprom) / 1e6,
                text.lines()
                                .filter(l -> l.startsWith("kprom_bpf_inventory_walk_seconds "))
                                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                                .findFirst()
                                .orElse(0)
                        * 1e3,
                text.length());
        System.out.printf("RESULT method=bpftool_prog_and_map_show %s ms=%.1f%n", mode, median(bpftool) / 1e6);
    }

    private static long count(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).count();
    }

    /** What /metrics does for the probe set in the text format: read (one walk), decode, and write every family. */
    private static void scrape(ProbeSet set, ByteArrayOutputStream out) throws Exception {
        out.reset();
        TextExposition text = new TextExposition(out, false);
        for (MapMetricCollector c : set.collectors()) text.write(c.table());
        text.flush();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + ": exit " + p.exitValue());
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
