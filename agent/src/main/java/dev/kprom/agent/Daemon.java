package dev.kprom.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.KpromConfig;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.config.WebConfigLoader;
import dev.kprom.agent.events.EventReader;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetLoader;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.exposition.TableCollector;
import dev.kprom.exporter.http.HttpOptions;
import dev.kprom.exporter.http.LandingPage;
import dev.kprom.exporter.http.MetricsServer;
import dev.kprom.exporter.self.SelfMetrics;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.StatusSource;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon. Starts in order (validated config, tracefs, probe sets, registry, HTTP) and closes in
 * reverse (HTTP, probe sets: links then objects). If any probe set fails, everything already started is closed
 * and nothing stays attached.
 */
public final class Daemon implements AutoCloseable, StatusSource {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final List<ProbeSet> probeSets;
    private final SelfMetrics selfMetrics;
    private MetricsServer server;
    private volatile boolean closed;

    private Daemon(List<ProbeSet> probeSets, SelfMetrics selfMetrics) {
        this.probeSets = probeSets;
        this.selfMetrics = selfMetrics;
    }

    /** Started, not stopping, and every probe set's object loaded (its programs attached). */
    @Override
    public boolean ready() {
        return server != null
                && !closed
                && probeSets.stream().allMatch(p -> p.object().loaded());
    }

    @Override
    public List<ProbeStatus> probes() {
        return probeSets.stream().map(ProbeSet::status).toList();
    }

    /** Validates the config (throwing {@code ConfigException} before touching the kernel), then starts. */
    public static Daemon start(Path configFile, String listenOverride, Path webConfigOverride)
            throws InterruptedException {
        KpromConfig config = ConfigLoader.load(configFile);
        setLogLevel(config.daemon().logLevel());
        InetSocketAddress listen = ConfigLoader.parseListen(
                listenOverride != null ? listenOverride : config.daemon().listen());
        HttpOptions http = WebConfigLoader.load(webConfigOverride != null ? webConfigOverride : config.webConfigFile());
        return start(config, listen, http);
    }

    public static Daemon start(KpromConfig config, InetSocketAddress listen) throws InterruptedException {
        return start(config, listen, WebConfigLoader.load(config.webConfigFile()));
    }

    public static Daemon start(KpromConfig config, InetSocketAddress listen, HttpOptions http)
            throws InterruptedException {
        String version = Version.get();
        LOG.info("kprom {} starting with {}", version, config.file());
        List<ProbeSet> started = new ArrayList<>();
        PrometheusRegistry registry = new PrometheusRegistry();
        SelfMetrics self = new SelfMetrics(registry, version);
        try {
            ProbeSetLoader loader = new ProbeSetLoader(
                    Tracefs.ensureMounted(),
                    Kallsyms.system(),
                    self::probeSet,
                    config.daemon().disabledAttachKinds());
            for (ProbeSetConfig set : config.probeSets()) started.add(loader.load(set));
            Daemon daemon = new Daemon(started, self);
            bindSelfMetrics(self, daemon);
            daemon.server = server(registry, started, version, config.daemon().eventsPath(), http, daemon)
                    .scrapeDuration(self.scrapeDuration())
                    .start(listen);
            return daemon;
        } catch (RuntimeException | InterruptedException e) {
            self.close();
            closeAll(started);
            throw e;
        }
    }

    /** The HTTP server over the probe sets' collectors and event streams; not started. */
    private static MetricsServer.Builder server(
            PrometheusRegistry registry,
            List<ProbeSet> sets,
            String version,
            String eventsPath,
            HttpOptions http,
            StatusSource status) {
        List<TableCollector> tables = new ArrayList<>();
        Map<String, List<EventStream>> events = new LinkedHashMap<>();
        for (ProbeSet set : sets) {
            for (MultiCollector c : set.collectors()) registry.register(c);
            tables.addAll(set.collectors());
            if (!set.events().isEmpty())
                events.put(
                        set.name(),
                        set.events().stream().map(ProbeSet.Events::stream).toList());
        }
        if (eventsPath != null) LOG.info("serving event records of {} as NDJSON at {}", events.keySet(), eventsPath);
        List<String> names = sets.stream().map(ProbeSet::name).toList();
        return MetricsServer.builder(registry)
                .tables(tables)
                .landing(new LandingPage(version, names, http.tls() != null, http.auth() != null, eventsPath))
                .status(status)
                .events(eventsPath, events)
                .options(http);
    }

    /** Status, reload time, event rings and, with kernel.bpf_stats_enabled, each program's run count and time. */
    private static void bindSelfMetrics(SelfMetrics self, Daemon daemon) {
        self.bindStatus(daemon);
        self.configLoaded(Instant.now());
        for (ProbeSet set : daemon.probeSets) bindEventMetrics(self, set);
        if (!bpfStatsEnabled()) return;
        for (ProbeSet set : daemon.probeSets) {
            set.programs()
                    .forEach((slot, program) -> self.bindProgramStats(set.name(), program.name(), () -> {
                        try {
                            return program.runStats();
                        } catch (RuntimeException closed) {
                            return new long[2];
                        }
                    }));
        }
    }

    /** Received and lost records of each ring of each event map, and decode errors of each stream. */
    private static void bindEventMetrics(SelfMetrics self, ProbeSet set) {
        for (ProbeSet.Events e : set.events()) {
            List<EventReader.RingCounts> rings = e.reader().counts();
            for (int i = 0; i < rings.size(); i++) {
                int ring = i;
                self.bindEventRing(
                        set.name(),
                        e.stream().map(),
                        rings.get(i).ring(),
                        () -> e.reader().counts(ring).received(),
                        () -> e.reader().counts(ring).lost());
            }
            self.bindEventDecodeErrors(set.name(), e.stream().map(), e.stream()::decodeErrors);
        }
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public List<ProbeSet> probeSets() {
        return probeSets;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LOG.info("kprom stopping");
        if (server != null) server.close();
        selfMetrics.close();
        closeAll(probeSets);
        LOG.info("kprom stopped: HTTP closed, {} probe set(s) detached and unloaded", probeSets.size());
    }

    private static void closeAll(List<ProbeSet> sets) {
        for (int i = sets.size() - 1; i >= 0; i--) {
            try {
                sets.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("closing probe set {}: {}", sets.get(i).name(), e.toString());
            }
        }
    }

    /** kernel.bpf_stats_enabled: the kernel counts program run time and runs only while it is 1. */
    static boolean bpfStatsEnabled() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled"))
                    .trim()
                    .equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    private static void setLogLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("dev.kprom").setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
