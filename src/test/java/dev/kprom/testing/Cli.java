package dev.kprom.testing;

import dev.kprom.agent.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs kprom's command line in this JVM, capturing what it prints. */
public final class Cli {
    private Cli() {}

    public record Run(int code, String out, String err) {}

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
