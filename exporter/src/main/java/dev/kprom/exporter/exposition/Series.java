package dev.kprom.exporter.exposition;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One series' identity: its label values, in the order of the family's (sorted) label names, and those labels
 * rendered once for the text formats, {@code comm="bash",uid="0"} (escaped, without braces). A collector keeps
 * these across scrapes (see {@link SeriesIndex}); the values are read afresh at every scrape.
 */
public final class Series {
    private final List<String> labelValues;
    private final byte[] rendered;
    private final byte[] line;

    /**
     * With a {@code sample} name (a counter's or gauge's, as written: {@code kprom_execve_total}), the start of
     * its line is rendered too, {@code kprom_execve_total{comm="bash",uid="0"} }, so that writing the series is
     * one copy and a number.
     */
    public Series(String sample, List<String> labelNames, List<String> labelValues) {
        if (labelNames.size() != labelValues.size()) {
            throw new IllegalArgumentException(
                    labelNames.size() + " label names but " + labelValues.size() + " values");
        }
        this.labelValues = List.copyOf(labelValues);
        this.rendered = render(labelNames, this.labelValues);
        this.line = sample == null ? null : line(sample, rendered);
    }

    public List<String> labelValues() {
        return labelValues;
    }

    /** {@code name="value",...}, UTF-8, escaped as both text formats want; empty when there are no labels. */
    byte[] rendered() {
        return rendered;
    }

    /** {@code sample{labels} }, or null without a sample name. */
    byte[] line() {
        return line;
    }

    private static byte[] line(String sample, byte[] labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sample.length() + labels.length + 3);
        out.writeBytes(sample.getBytes(StandardCharsets.UTF_8));
        if (labels.length > 0) {
            out.write('{');
            out.writeBytes(labels);
            out.write('}');
        }
        out.write(' ');
        return out.toByteArray();
    }

    private static byte[] render(List<String> names, List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * names.size());
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) out.write(',');
            out.writeBytes(names.get(i).getBytes(StandardCharsets.UTF_8));
            out.write('=');
            out.write('"');
            out.writeBytes(escape(values.get(i), true).getBytes(StandardCharsets.UTF_8));
            out.write('"');
        }
        return out.toByteArray();
    }

    /**
     * Text as the text formats escape it: backslash and newline, and double quotes when {@code quotes} (label
     * values in both formats, HELP in OpenMetrics).
     */
    static String escape(String value, boolean quotes) {
        if (value.indexOf('\\') < 0 && value.indexOf('\n') < 0 && (!quotes || value.indexOf('"') < 0)) return value;
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '"' -> b.append(quotes ? "\\\"" : "\"");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
