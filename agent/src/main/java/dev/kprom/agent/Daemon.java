package dev.kprom.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.btf.KernelBtf;
import dev.kprom.agent.config.ConfigError;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.KpromConfig;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.config.WebConfigLoader;
import dev.kprom.agent.kube.KubeMetadataSetup;
import dev.kprom.agent.kube.PodCache;
import dev.kprom.agent.lifecycle.ConfigWatcher;
import dev.kprom.agent.lifecycle.Supervisor;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetBinder;
import dev.kprom.agent.probe.ProbeSetException;
import dev.kprom.exporter.exposition.ProbeCollectors;
import dev.kprom.exporter.http.HttpOptions;
import dev.kprom.exporter.http.LandingPage;
import dev.kprom.exporter.http.MetricsServer;
import dev.kprom.exporter.kube.KubeMetadata;
import dev.kprom.exporter.self.SelfMetrics;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.ReloadStatus;
import dev.kprom.exporter.status.StatusSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon. Starts in order (validated config, every probe set checked against its object, tracefs,
 * probe sets, HTTP) and closes in reverse (lifecycle thread, HTTP, probe sets: readers, links, objects). Probe
 * sets fail alone ({@link Supervisor}); a required one that fails at start closes everything and nothing stays
 * attached. {@link #reload()} (SIGHUP, {@code POST /-/reload}, a change of the files on disk) validates the whole
 * new configuration first and applies only what changed; an invalid one is refused and the running one stays.
 */
public final class Daemon implements AutoCloseable, StatusSource {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** How often the config files are checked for changes (when watch_config is on). */
    static final long WATCH_INTERVAL_MS = 2000;

    private final Path configFile;
    private final Path webConfigOverride;
    private final String listenOverride;
    private final SelfMetrics self;
    private PodCache pods; // null outside Kubernetes
    private final Supervisor supervisor;
    private final ScheduledExecutorService lifecycle;
    private volatile KpromConfig config;
    private volatile HttpOptions http;
    private MetricsServer server;
    private ConfigWatcher watcher;
    private volatile boolean closed;
    private volatile ReloadStatus lastReload;

    private Daemon(
            KpromConfig config,
            String listenOverride,
            Path webConfigOverride,
            HttpOptions http,
            SelfMetrics self,
            Supervisor supervisor) {
        this.configFile = config.file();
        this.listenOverride = listenOverride;
        this.webConfigOverride = webConfigOverride;
        this.config = config;
        this.http = http;
        this.self = self;
        this.supervisor = supervisor;
        this.lifecycle = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kprom-lifecycle");
            t.setDaemon(true);
            return t;
        });
    }

    /** Validates the config (throwing {@code ConfigException} before touching the kernel), then starts. */
    public static Daemon start(Path configFile, String listenOverride, Path webConfigOverride)
            throws InterruptedException {
        KpromConfig config = ConfigLoader.load(configFile);
        HttpOptions http = WebConfigLoader.load(webConfigOverride != null ? webConfigOverride : config.webConfigFile());
        return start(config, listenOverride, webConfigOverride, http);
    }

    public static Daemon start(KpromConfig config, InetSocketAddress listen) throws InterruptedException {
        return start(config, listen, WebConfigLoader.load(config.webConfigFile()));
    }

    public static Daemon start(KpromConfig config, InetSocketAddress listen, HttpOptions http)
            throws InterruptedException {
        return start(config, listen.getHostString() + ":" + listen.getPort(), null, http);
    }

    private static Daemon start(KpromConfig config, String listenOverride, Path webConfigOverride, HttpOptions http)
            throws InterruptedException {
        setLogLevel(config.daemon().logLevel());
        InetSocketAddress listen = ConfigLoader.parseListen(
                listenOverride != null ? listenOverride : config.daemon().listen());
        checkEventsExposure(config, listen, http);
        useBtf(config);
        checkObjects(config.probeSets());
        String version = Version.get();
        LOG.info("kprom {} starting with {}", version, config.file());
        PrometheusRegistry registry = new PrometheusRegistry();
        SelfMetrics self = new SelfMetrics(registry, version);
        PodCache pods = KubeMetadataSetup.start(config.daemon().kubernetes(), System.getenv(), self);
        ProbeCollectors collectors = new ProbeCollectors();
        registry.register(collectors);
        Supervisor supervisor = new Supervisor(
                Tracefs.ensureMounted(),
                Kallsyms.system(),
                self,
                collectors,
                bpfStatsEnabled(),
                config.daemon().pinPath());
        Daemon daemon = new Daemon(config, listenOverride, webConfigOverride, http, self, supervisor);
        daemon.pods = pods;
        self.ready(daemon::ready);
        try {
            supervisor.start(config.probeSets(), config.daemon().disabledAttachKinds());
            daemon.loaded(null);
            daemon.server = daemon.server(registry, collectors, version).start(listen);
            daemon.startLifecycle();
            return daemon;
        } catch (RuntimeException | InterruptedException e) {
            daemon.close();
            throw e;
        }
    }

    /** The BTF objects are relocated against from now on: btf_path (resolved for this kernel), or the kernel's own. */
    static void useBtf(KpromConfig config) {
        KernelBtf.use(KernelBtf.resolve(config.daemon().btfPath(), KernelBtf.release())
                .orElse(null));
        if (KernelBtf.inUse() != null) LOG.info("BTF for CO-RE: {}", KernelBtf.describe());
    }

    /**
     * Every probe set checked against its object (opened, never loaded): a mismatch is a config error, refused as a
     * whole like one in the YAML, at start and on reload. Only {@code sets} are checked.
     */
    private static void checkObjects(List<ProbeSetConfig> sets) {
        List<ConfigError> errors = new ArrayList<>();
        for (ProbeSetConfig set : sets) {
            try {
                ProbeSetBinder.check(set);
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) throw new ConfigException(errors);
    }

    /**
     * Event records carry pids, commands and addresses: served on an address other than loopback, they need basic
     * auth, or an explicit {@code events_unauthenticated: true}, which the log warns about.
     */
    static void checkEventsExposure(KpromConfig config, InetSocketAddress listen, HttpOptions http) {
        String path = config.daemon().eventsPath();
        if (path == null || listen.getAddress().isLoopbackAddress() || http.auth() != null) return;
        String what = "events_path " + path + " would serve every event record's pids, commands and addresses to anyone"
                + " who reaches " + listen.getHostString() + ":" + listen.getPort();
        if (config.daemon().eventsUnauthenticated()) {
            LOG.warn("{} (events_unauthenticated: true)", what);
            return;
        }
        throw new ConfigException(List.of(new ConfigError(
                config.file().toString(),
                0,
                0,
                "events_path",
                what + ": set basic_auth_users in a web_config_file, listen on loopback, or set"
                        + " events_unauthenticated: true")));
    }

    private MetricsServer.Builder server(PrometheusRegistry registry, ProbeCollectors collectors, String version) {
        String eventsPath = config.daemon().eventsPath();
        if (eventsPath != null) LOG.info("serving event records as NDJSON at {}", eventsPath);
        return MetricsServer.builder(registry)
                .tables(collectors::tables)
                .landing(() -> new LandingPage(version, http.tls() != null, http.auth() != null, eventsPath))
                .status(this)
                .scrapeDuration(self.scrapeDuration())
                .events(eventsPath, supervisor::events)
                .reload(this::reloadRequested)
                .options(http);
    }

    /** Retries and health checks every second; the config files' fingerprint every WATCH_INTERVAL_MS. */
    private void startLifecycle() {
        lifecycle.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        if (config.daemon().watchConfig()) {
            watcher = new ConfigWatcher(() -> ConfigWatcher.filesOf(config, webConfigOverride));
            lifecycle.scheduleWithFixedDelay(
                    this::checkFiles, WATCH_INTERVAL_MS, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        try {
            supervisor.tick();
        } catch (RuntimeException e) {
            LOG.error("probe set supervision failed: {}", e.toString(), e);
        }
    }

    private void checkFiles() {
        try {
            if (watcher.changed()) {
                LOG.info("configuration files changed on disk: reloading");
                reloadNow();
            }
        } catch (RuntimeException e) {
            // reloadNow logged why; the watcher remembers these files and waits for the next change
        }
    }

    /** Records a load or reload: applied ({@code error} null) or refused, in the self-metrics and for the status page. */
    private void loaded(String error) {
        Instant now = Instant.now();
        self.configLoaded(error == null, now);
        ReloadStatus last = lastReload;
        lastReload = new ReloadStatus(
                error == null,
                now.toString(),
                error,
                error == null ? now.toString() : last == null ? null : last.lastSuccessAt());
    }

    @Override
    public ReloadStatus lastReload() {
        return lastReload;
    }

    /** {@code POST /-/reload}: only when enable_lifecycle is on in the running config. */
    private CompletableFuture<String> reloadRequested() {
        if (!config.daemon().enableLifecycle()) return null;
        return reload();
    }

    /** Reloads on the lifecycle thread (SIGHUP, HTTP): completes with what changed, or fails with every error. */
    public CompletableFuture<String> reload() {
        return CompletableFuture.supplyAsync(this::reloadNow, lifecycle);
    }

    /**
     * Validates the whole configuration on disk (kprom.yaml, the probe sets, their objects, the web config); any
     * error refuses the reload, the running configuration stays, {@code kprom_config_last_reload_successful} is 0
     * and every error is logged with its file and line. Otherwise applies it (see {@link Supervisor#apply}).
     */
    private synchronized String reloadNow() {
        if (closed) throw new IllegalStateException("kprom is stopping");
        KpromConfig next;
        HttpOptions nextHttp;
        try {
            next = ConfigLoader.load(configFile);
            nextHttp = WebConfigLoader.load(webConfigOverride != null ? webConfigOverride : next.webConfigFile());
            useBtf(next);
            var disabled = next.daemon().disabledAttachKinds();
            checkObjects(next.probeSets().stream()
                    .filter(set -> !supervisor.unchanged(set, disabled))
                    .toList());
        } catch (ConfigException | ProbeSetException | IllegalArgumentException e) {
            useBtf(config); // the running configuration's BTF, not the refused one's
            loaded(e.getMessage());
            LOG.error("reload refused, the running configuration stays:\n{}", e.getMessage());
            throw new IllegalStateException(e.getMessage(), e);
        }
        warnIfChanged("listen", config.daemon().listen(), next.daemon().listen(), listenOverride == null);
        warnIfChanged("events_path", config.daemon().eventsPath(), next.daemon().eventsPath(), true);
        warnIfChanged("pin_maps", config.daemon().pinMaps(), next.daemon().pinMaps(), true);
        warnIfChanged("pin_dir", config.daemon().pinDir(), next.daemon().pinDir(), true);
        warnIfChanged("kubernetes", config.daemon().kubernetes(), next.daemon().kubernetes(), true);
        setLogLevel(next.daemon().logLevel());
        server.options(nextHttp);
        http = nextHttp;
        String summary = supervisor.apply(next.probeSets(), next.daemon().disabledAttachKinds());
        config = next;
        loaded(null);
        LOG.info("configuration reloaded from {}: {}", configFile, summary);
        return summary;
    }

    private static void warnIfChanged(String key, Object was, Object now, boolean applies) {
        if (applies && !Objects.equals(was, now)) {
            LOG.warn(
                    "{} changed from {} to {}: it cannot change while kprom runs; restart kprom to apply it",
                    key,
                    was,
                    now);
        }
    }

    /** Ready while running, once every required probe set is attached (optional ones may be down: see /probes). */
    @Override
    public boolean ready() {
        return server != null && !closed && supervisor.ready();
    }

    @Override
    public List<ProbeStatus> probes() {
        return supervisor.probes();
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** The running probe sets, in config order. */
    public List<ProbeSet> probeSets() {
        return List.copyOf(supervisor.running().values());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        LOG.info("kprom stopping");
        lifecycle.shutdownNow();
        try {
            lifecycle.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server != null) server.close();
        int sets = supervisor.names().size();
        supervisor.close();
        if (pods != null) pods.close();
        KubeMetadata.install(null);
        self.close();
        LOG.info("kprom stopped: HTTP closed, {} probe set(s) detached and unloaded", sets);
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
