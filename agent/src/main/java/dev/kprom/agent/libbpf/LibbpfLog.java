package dev.kprom.agent.libbpf;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes libbpf's own log into Logback under the logger {@code libbpf}, and lets a caller capture the lines
 * libbpf prints during one operation (the verifier log of a failed load, say) to put in an error message. While
 * capturing, lines are logged at DEBUG only: the caller either reports the failure itself (a skipped attach
 * alternative, an error) or, on success, has the warnings logged as usual.
 */
public final class LibbpfLog {
    private static final Logger LOG = LoggerFactory.getLogger("libbpf");

    private record Line(int level, String text) {}

    private static final ThreadLocal<List<Line>> CAPTURE = new ThreadLocal<>();
    /** Held strongly: libbpf keeps the raw function pointer. */
    private static final Libbpf.libbpf_print_fn_t PRINT = LibbpfLog::print;

    private static volatile boolean installed;

    private LibbpfLog() {}

    public static synchronized void install() {
        if (!installed) {
            Libbpf.libbpf_set_print(PRINT);
            installed = true;
        }
    }

    /** Starts capturing libbpf lines printed on this thread; {@link #stopCapture()} returns them. */
    public static void startCapture() {
        CAPTURE.set(new ArrayList<>());
    }

    /** The captured lines; with {@code logWarnings}, libbpf's warnings among them are logged at WARN now. */
    public static List<String> stopCapture(boolean logWarnings) {
        List<Line> lines = CAPTURE.get();
        CAPTURE.remove();
        if (lines == null) return List.of();
        List<String> texts = new ArrayList<>();
        for (Line l : lines) {
            texts.add(l.text());
            if (logWarnings && l.level() == Libbpf.LIBBPF_WARN) LOG.warn("{}", l.text());
        }
        return texts;
    }

    /** A JNA callback must never throw: everything is caught here. */
    private static int print(int level, Pointer fmt, Pointer ap) {
        try {
            List<Line> capture = CAPTURE.get();
            if (level == Libbpf.LIBBPF_DEBUG && capture == null && !LOG.isDebugEnabled()) return 0;
            byte[] buf = new byte[4096];
            int n = LibC.vsnprintf(buf, buf.length, fmt, ap);
            if (n < 0) return 0;
            String text = new String(buf, 0, Math.min(n, buf.length - 1), StandardCharsets.UTF_8).stripTrailing();
            if (text.startsWith("libbpf: ")) text = text.substring("libbpf: ".length());
            if (capture != null) {
                for (String line : text.split("\n")) capture.add(new Line(level, line));
                LOG.debug("{}", text);
                return n;
            }
            switch (level) {
                case Libbpf.LIBBPF_WARN -> LOG.warn("{}", text);
                case Libbpf.LIBBPF_INFO -> LOG.info("{}", text);
                default -> LOG.debug("{}", text);
            }
            return n;
        } catch (Throwable t) {
            return 0;
        }
    }
}
