package dev.kprom.testing;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetLoader;
import dev.kprom.exporter.collect.CollectObserver;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Probe sets loaded by a test without a daemon: the loader, their metrics as text, and values read from it. */
public final class LoadedProbes {
    /**
     * Built-in probe sets of fentry and kprobe programs alone, which this kernel (no kprobes, fentry refused) cannot
     * run: they run on Debian's 6.1 in the kernel matrix (KernelMatrixIT), and are reported down here.
     */
    public static final Set<String> NEED_FENTRY_OR_KPROBES =
            Set.of("fs_latency", "cfs_throttling", "tcp_accept_latency", "tcp_window_clamps");

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
