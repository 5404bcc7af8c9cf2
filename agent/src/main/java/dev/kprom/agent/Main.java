package dev.kprom.agent;

import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.convert.ConvertCommand;
import dev.kprom.agent.probe.ProbeSetException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code kprom [--config FILE] [--listen HOST:PORT]}: runs until SIGTERM or SIGINT, then detaches everything;
 * SIGHUP reloads the configuration.
 */
@Command(
        name = "kprom",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        subcommands = {CheckConfigCommand.class, TraceCommand.class, ConvertCommand.class},
        description = "Loads eBPF programs, reads what they count, and serves it as Prometheus metrics.")
public final class Main implements Callable<Integer> {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_START = 1;

    @Option(
            names = {"-c", "--config"},
            defaultValue = "config/kprom.yaml",
            description = "daemon config (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--listen", description = "listen address, overriding the config's, e.g. 127.0.0.1:9436")
    String listen;

    @Option(
            names = "--web.config.file",
            description = "TLS and basic auth (exporter-toolkit format), overriding the config's web_config_file")
    Path webConfig;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Daemon daemon;
        try {
            daemon = Daemon.start(config, listen, webConfig);
        } catch (ConfigException e) {
            System.err.println("kprom: invalid configuration:\n" + e.getMessage());
            return EXIT_CONFIG;
        } catch (ProbeSetException | IllegalStateException | IllegalArgumentException e) {
            System.err.println("kprom: cannot start: " + e.getMessage());
            return EXIT_START;
        }
        // SIGHUP reloads, as for Prometheus; the outcome is logged (and counted in kprom_config_reloads_total).
        Signal.handle(new Signal("HUP"), signal -> daemon.reload());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            daemon.close();
                            stopped.countDown();
                        },
                        "kprom-shutdown"));
        stopped.await();
        return 0;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kprom " + Version.get()};
        }
    }
}
