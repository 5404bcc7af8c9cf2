package dev.kprom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.agent.Main;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** kprom as its own process (the test classpath's Main), its output in a log file, for signals and exit codes. */
public final class KpromProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving /metrics on http://127\\.0\\.0\\.1:(\\d+)");
    public final Process process;
    public final Path log;

    private KpromProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts kprom with {@code config}; its output goes to {@code log} (a pipe would be closed by destroy, losing the end). */
    public static KpromProcess start(Path config, Path log) throws IOException {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new KpromProcess(p, log);
    }

    /** Where it serves, once it says so (within 60 s, or the test fails with its log). */
    public InetSocketAddress address() throws IOException, InterruptedException {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); System.nanoTime() < deadline; ) {
            Matcher m = SERVING.matcher(log());
            if (m.find()) return new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
            assertThat(process.isAlive()).as("kprom exited early:\n%s", log()).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("kprom did not start serving:\n" + log());
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Sends a signal by name (TERM, HUP) with kill(1). */
    public void signal(String name) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                        .start()
                        .waitFor())
                .isZero();
    }

    /** Waits until the log contains {@code text} (within 30 s). */
    public void awaitLog(String text) throws IOException, InterruptedException {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < deadline; ) {
            if (log().contains(text)) return;
            Thread.sleep(50);
        }
        throw new AssertionError("no \"" + text + "\" in the log:\n" + log());
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
