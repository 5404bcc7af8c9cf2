package dev.kprom.exporter.exposition;

import dev.kprom.exporter.spec.MetricKind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link SeriesTable} in the Prometheus text format 0.0.4 or OpenMetrics 1.0, byte for byte as
 * client_java's writers would (a test holds them to it) except that series keep the order they were read in.
 * It exists for speed: a 100k-series map renders from pre-rendered labels with no snapshot or per-series
 * objects in between. For {@code kprom_execve_total} in text 0.0.4:
 * <pre>
 * # HELP kprom_execve_total execve() calls, by user id and the calling process's command name.
 * # TYPE kprom_execve_total counter
 * kprom_execve_total{comm="bash",uid="0"} 42.0
 * </pre>
 * OpenMetrics puts TYPE first, names the family without {@code _total}, and leaves it to the caller to end the
 * exposition with {@code # EOF}. A histogram with a sum gets {@code _sum} and {@code _count} in both formats; one
 * without (a map histogram whose program keeps none) gets {@code _count} in text 0.0.4 and buckets only in
 * OpenMetrics, which wants count and sum together.
 */
public final class TextExposition {
    private static final byte[] PLUS_INF = ascii("+Inf");
    private static final byte[] MINUS_INF = ascii("-Inf");
    private final OutputStream out;
    private final boolean openMetrics;
    private final byte[] buf = new byte[1 << 16];
    private int pos;

    /** Writes to {@code out} through its own buffer: call {@link #flush()} when done. */
    public TextExposition(OutputStream out, boolean openMetrics) {
        this.out = out;
        this.openMetrics = openMetrics;
    }

    /** The family's lines; nothing for a family without series, as client_java does. */
    public void write(SeriesTable table) throws IOException {
        if (table.size() == 0) return;
        MetricKind kind = table.kind();
        String family = kind == MetricKind.COUNTER && !openMetrics ? table.name() + "_total" : table.name();
        String type =
                switch (kind) {
                    case COUNTER -> "counter";
                    case GAUGE -> "gauge";
                    case HISTOGRAM -> "histogram";
                };
        if (openMetrics) put("# TYPE " + family + " " + type + "\n");
        if (table.help() != null) put("# HELP " + family + " " + Series.escape(table.help(), openMetrics) + "\n");
        if (!openMetrics) put("# TYPE " + family + " " + type + "\n");
        if (kind == MetricKind.HISTOGRAM) {
            writeHistogram(table);
            return;
        }
        String sample = kind == MetricKind.COUNTER ? table.name() + "_total" : table.name();
        boolean ahead = sample.equals(table.sample()); // lines rendered ahead, with this name
        byte[] name = ascii(sample);
        for (int row = 0; row < table.size(); row++) {
            Series series = table.series(row);
            if (ahead) {
                put(series.line());
            } else {
                put(name);
                labels(series.rendered(), null);
                put((byte) ' ');
            }
            putDouble(table.value(row, 0));
            put((byte) '\n');
        }
    }

    private void writeHistogram(SeriesTable table) throws IOException {
        byte[] bucket = ascii(table.name() + "_bucket");
        byte[] count = ascii(table.name() + "_count");
        byte[] sum = ascii(table.name() + "_sum");
        double[] bounds = table.upperBounds();
        byte[][] le = new byte[bounds.length][];
        for (int b = 0; b < bounds.length; b++) {
            le[b] = ascii(
                    "le=\"" + (bounds[b] == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(bounds[b])) + "\"");
        }
        for (int row = 0; row < table.size(); row++) {
            byte[] labels = table.series(row).rendered();
            long cumulative = 0;
            for (int b = 0; b < bounds.length; b++) {
                cumulative += (long) table.value(row, b);
                put(bucket);
                labels(labels, le[b]);
                put((byte) ' ');
                putLong(cumulative);
                put((byte) '\n');
            }
            if (table.hasSum() || !openMetrics) {
                put(count);
                labels(labels, null);
                put((byte) ' ');
                putLong(cumulative);
                put((byte) '\n');
            }
            if (table.hasSum()) {
                put(sum);
                labels(labels, null);
                put((byte) ' ');
                putDouble(table.sum(row));
                put((byte) '\n');
            }
        }
    }

    /** Hands everything written so far to the stream (and flushes it). */
    public void flush() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
        out.flush();
    }

    private void labels(byte[] labels, byte[] extra) throws IOException {
        if (labels.length == 0 && extra == null) return;
        put((byte) '{');
        put(labels);
        if (extra != null) {
            if (labels.length > 0) put((byte) ',');
            put(extra);
        }
        put((byte) '}');
    }

    /** As {@link Double#toString} (and +Inf, -Inf, NaN as the formats spell them), without it for small integers. */
    private void putDouble(double v) throws IOException {
        if (v == (long) v && Math.abs(v) < 1e7 && !(v == 0 && 1 / v < 0)) {
            putLong((long) v);
            put((byte) '.');
            put((byte) '0');
        } else if (Double.isInfinite(v)) {
            put(v > 0 ? PLUS_INF : MINUS_INF);
        } else {
            put(ascii(Double.toString(v))); // NaN included
        }
    }

    private void putLong(long v) throws IOException {
        if (pos + 20 > buf.length) drain();
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                put(ascii(Long.toString(v)));
                return;
            }
            buf[pos++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) digits++;
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        pos = end;
    }

    private void put(byte b) throws IOException {
        if (pos == buf.length) drain();
        buf[pos++] = b;
    }

    private void put(byte[] b) throws IOException {
        if (b.length > buf.length - pos) {
            drain();
            if (b.length > buf.length) {
                out.write(b);
                return;
            }
        }
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void put(String s) throws IOException {
        put(s.getBytes(StandardCharsets.UTF_8));
    }

    private void drain() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
