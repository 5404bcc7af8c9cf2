package dev.kprom.agent;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.agent.config.KpromConfig;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.probe.ProbeSet;
import dev.kprom.agent.probe.ProbeSetException;
import dev.kprom.agent.probe.ProbeSetLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.events.EventStream;
import dev.kprom.exporter.events.RecordHandler;
import dev.kprom.exporter.events.RecordJson;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kprom trace PROBE_SET}: loads one probe set (from the config's probes_dir, else built in), attaches it,
 * and prints each record of its event streams as a line of JSON until Ctrl-C (or {@code --count} records), then
 * detaches everything. Like bcc's tcpconnect, for any configured stream: {@code kprom trace connect}.
 */
@Command(
        name = "trace",
        mixinStandardHelpOptions = true,
        description = "Print the event records of a probe set as JSON lines until interrupted.")
final class TraceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PROBE_SET", description = "a probe set with events, e.g. connect")
    String probeSet;

    @Option(
            names = {"-c", "--config"},
            defaultValue = "config/kprom.yaml",
            description = "daemon config, for probes_dir (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(
            names = {"-n", "--count"},
            description = "stop after this many records")
    Long count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProbeSetConfig set;
        KpromConfig daemon;
        try {
            daemon = ConfigLoader.load(config);
            set = ConfigLoader.loadProbeSet(
                    probeSet,
                    config.toAbsolutePath().getParent().resolve(daemon.daemon().probesDir()));
        } catch (ConfigException e) {
            err.println("kprom trace: invalid configuration:\n" + e.getMessage());
            return Main.EXIT_CONFIG;
        }
        if (set.spec().events().isEmpty()) {
            err.println("kprom trace: probe set " + probeSet + " (" + set.source() + ") has no events to trace");
            return Main.EXIT_CONFIG;
        }
        ProbeSet running;
        try {
            running = new ProbeSetLoader(
                            Tracefs.ensureMounted(),
                            Kallsyms.system(),
                            name -> CollectObserver.IGNORE,
                            daemon.daemon().disabledAttachKinds())
                    .load(set);
        } catch (ProbeSetException | ConfigException | IllegalStateException | IllegalArgumentException e) {
            err.println("kprom trace: cannot start: " + e.getMessage());
            return Main.EXIT_START;
        }
        CountDownLatch done = new CountDownLatch(1);
        long[] printed = {0};
        Object lock = new Object();
        for (ProbeSet.Events events : running.events()) {
            EventStream stream = events.stream();
            RecordJson json = new RecordJson(stream);
            stream.addListener(new RecordHandler() {
                @Override
                public void record(int ring, ByteBuffer buf, int offset, int length) {
                    String line = json.format(ring, buf, offset, length);
                    synchronized (lock) {
                        if (count != null && printed[0] >= count) return;
                        out.println(line);
                        out.flush();
                        if (count != null && ++printed[0] >= count) done.countDown();
                    }
                }
            });
        }
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> { // Ctrl-C: let the main thread detach everything before the JVM goes
                    done.countDown();
                    try {
                        closed.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "kprom-trace-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            done.await();
        } finally {
            running.close();
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already on its way out
            }
        }
        return 0;
    }
}
