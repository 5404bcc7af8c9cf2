package dev.kprom.testing;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.AttachSpec;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.ProgramSpec;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetLoader;
import dev.kprom.exporter.collect.CollectObserver;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Probe sets loaded by a test without a daemon: the loader, their metrics as text, and values read from it. */
public final class LoadedProbes {
    /**
     * Built-in probe sets that this kernel (no kprobes, fentry refused) cannot run, read from their YAML: a slot
     * that must attach, or every slot, has only fentry, fexit, kprobe and kretprobe alternatives. They run on
     * Debian's 6.1 in the kernel matrix (KernelMatrixIT), and are reported down here.
     */
    public static final Set<String> NEED_FENTRY_OR_KPROBES = needFentryOrKprobes();

    private static Set<String> needFentryOrKprobes() {
        Set<AttachSpec.Kind> tracing = Set.of(
                AttachSpec.Kind.FENTRY, AttachSpec.Kind.FEXIT, AttachSpec.Kind.KPROBE, AttachSpec.Kind.KRETPROBE);
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("config/probes"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.yaml$", "");
                List<ProgramSpec> slots = ConfigLoader.loadProbeSet(name, Path.of("config/probes"))
                        .spec()
                        .programs();
                Predicate<ProgramSpec> onlyTracing = p -> p.attach().stream().allMatch(a -> tracing.contains(a.kind()));
                boolean needs = slots.stream().anyMatch(p -> !p.isOptional() && onlyTracing.test(p))
                        || (!slots.isEmpty() && slots.stream().allMatch(p -> p.isOptional() && onlyTracing.test(p)));
                if (needs) out.add(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(out);
    }

    private LoadedProbes() {}

    /** A loader on this machine's tracefs and kallsyms, reporting reads nowhere. */
    public static ProbeSetLoader loader() {
        return new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), name -> CollectObserver.IGNORE);
    }

    /** The probe set's metrics in the Prometheus text format. */
    public static String scrape(ProbeSet set) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MultiCollector c : set.collectors())
            PrometheusTextFormatWriter.create().write(out, c.collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of {@code series} (name and labels, as written) in {@code text}; 0 when it is not there. */
    public static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** A command name no other process has: {@code prefix} and random letters, within the kernel's 15. */
    public static String comm(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    }
}
