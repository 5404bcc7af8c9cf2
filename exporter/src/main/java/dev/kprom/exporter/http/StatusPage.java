package dev.kprom.exporter.http;

import dev.kprom.exporter.status.EventStatus;
import dev.kprom.exporter.status.MapStatus;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.exporter.status.ReloadStatus;
import dev.kprom.exporter.status.StatusSource;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The page at {@code /}: plain HTML rendered here, with no script and no external asset, that reloads itself every
 * {@link #REFRESH_SECONDS}. It shows readiness, the last config load, and per probe set what {@code /probes} says:
 * state and why it is down, each program slot's attach alternative and why the others were skipped, each map's
 * entries and last read, and each event map's records, losses and their rates since the page was last rendered.
 */
final class StatusPage implements PathHandler {
    static final int REFRESH_SECONDS = 10;

    private static final String STYLE = "body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:72em;"
            + "padding:0 .8em;color:#1d1d1f}header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.2em 1em}"
            + "nav a{margin-right:.8em}section{border:1px solid #d0d0d5;border-radius:6px;margin:1em 0;"
            + "padding:.2em .9em .7em}h2{font-size:1.15em;margin:.6em 0 .3em}h3{font-size:1em;margin:.8em 0 .2em}"
            + ".ok,.down,.off{border-radius:4px;padding:0 .45em;font-size:.85em;font-weight:600}"
            + ".ok{background:#d9f2dd;color:#14532d}.down{background:#fbd9d9;color:#7f1d1d}.off{background:#eee}"
            + ".wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}"
            + "th,td{text-align:left;padding:.2em .5em;border-bottom:1px solid #eee;vertical-align:top}"
            + "td.n{text-align:right;font-variant-numeric:tabular-nums}pre{white-space:pre-wrap;"
            + "background:#fff4f4;padding:.5em;border-radius:4px;font-size:.85em}small{color:#555}";

    private final Supplier<LandingPage> landing;
    private final StatusSource status;
    private final LongSupplier clock;
    /** The event counts of the last render, by probe set and map: rates are taken against them. */
    private Map<String, long[]> previous = new HashMap<>();

    StatusPage(Supplier<LandingPage> landing, StatusSource status, LongSupplier nanoClock) {
        this.landing = landing;
        this.status = status;
        this.clock = nanoClock;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        Responses.send(ctx, request, Responses.html(html()));
    }

    synchronized String html() {
        LandingPage about = landing.get();
        List<ProbeStatus> probes = status.probes();
        boolean ready = status.ready();
        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta http-equiv=\"refresh\" content=\"")
                .append(REFRESH_SECONDS)
                .append("\"><title>kprom ")
                .append(escape(about.version()))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body><header><h1>kprom ")
                .append(escape(about.version()))
                .append("</h1>")
                .append(ready ? badge("ok", "ready") : badge("down", "not ready"))
                .append("</header><nav><a href=\"/metrics\">Metrics</a><a href=\"/probes\">Probe sets (JSON)</a>")
                .append("<a href=\"/healthz\">Health</a><a href=\"/readyz\">Readiness</a>");
        if (about.eventsPath() != null) {
            h.append("<a href=\"").append(escape(about.eventsPath())).append("\">Live events (NDJSON)</a>");
        }
        h.append("</nav><p>TLS: ")
                .append(about.tls() ? "on" : "off")
                .append(". Basic auth: ")
                .append(about.basicAuth() ? "on" : "off")
                .append(". ")
                .append(probes.stream().filter(ProbeStatus::up).count())
                .append(" of ")
                .append(probes.size())
                .append(" probe sets up.</p>");
        reload(h, status.lastReload());
        long now = clock.getAsLong();
        Map<String, long[]> seen = new HashMap<>();
        for (ProbeStatus p : probes) probe(h, p, now, seen);
        previous = seen; // only the maps shown now: the memory stays bounded by the config
        h.append("<p><small>This page reloads every ")
                .append(REFRESH_SECONDS)
                .append(" s; rates are over the time since it was last rendered.</small></p></body></html>\n");
        return h.toString();
    }

    private static void reload(StringBuilder h, ReloadStatus r) {
        if (r == null) return;
        h.append("<p>Configuration: ");
        if (r.successful()) {
            h.append(badge("ok", "loaded"))
                    .append(" at ")
                    .append(escape(seconds(r.at())))
                    .append("</p>");
        } else {
            h.append(badge("down", "reload refused"))
                    .append(" at ")
                    .append(escape(seconds(r.at())))
                    .append(
                            r.lastSuccessAt() == null
                                    ? ""
                                    : "; running the one loaded at " + escape(seconds(r.lastSuccessAt())))
                    .append("</p><pre>")
                    .append(escape(r.error()))
                    .append("</pre>");
        }
    }

    private void probe(StringBuilder h, ProbeStatus p, long now, Map<String, long[]> seen) {
        h.append("<section id=\"probe-")
                .append(escape(p.name()))
                .append("\"><h2>")
                .append(escape(p.name()))
                .append(' ')
                .append(p.up() ? badge("ok", "up") : badge("down", "down"))
                .append(p.required() ? " " + badge("off", "required") : "")
                .append("</h2><p><small>")
                .append(escape(p.source()))
                .append(" &middot; ")
                .append(escape(p.object()))
                .append(p.btf() != null ? " &middot; BTF: " + escape(p.btf()) : "")
                .append(p.failures() > 0 ? " &middot; failures: " + p.failures() : "")
                .append("</small></p>");
        if (p.error() != null) h.append("<pre>").append(escape(p.error())).append("</pre>");
        if (!p.programs().isEmpty()) {
            h.append("<h3>Programs</h3><div class=\"wrap\"><table><tr><th>slot</th><th>attached</th>")
                    .append("<th>alternatives skipped</th></tr>");
            for (ProgramStatus s : p.programs()) {
                h.append("<tr><td>")
                        .append(escape(s.slot()))
                        .append("</td><td>")
                        .append(escape(s.attach()))
                        .append(" <small>(")
                        .append(escape(s.program()))
                        .append(")</small></td><td>");
                if (s.skipped().isEmpty()) h.append("none");
                else {
                    h.append("<details><summary>").append(s.skipped().size()).append("</summary><ul>");
                    for (String why : s.skipped())
                        h.append("<li>").append(escape(why)).append("</li>");
                    h.append("</ul></details>");
                }
                h.append("</td></tr>");
            }
            h.append("</table></div>");
        }
        if (!p.maps().isEmpty()) {
            h.append("<h3>Maps</h3><div class=\"wrap\"><table><tr><th>metric</th><th>map</th><th>entries</th>")
                    .append("<th>last read</th><th>error</th></tr>");
            for (MapStatus m : p.maps()) {
                h.append("<tr><td>")
                        .append(escape(m.metric()))
                        .append("</td><td>")
                        .append(escape(m.map()))
                        .append("</td><td class=\"n\">")
                        .append(m.lastRead() == null ? "" : m.lastEntries())
                        .append("</td><td>")
                        .append(m.lastRead() == null ? "not yet" : escape(seconds(m.lastRead())))
                        .append("</td><td>")
                        .append(m.lastError() == null ? "" : escape(m.lastError()))
                        .append("</td></tr>");
            }
            h.append("</table></div>");
        }
        if (!p.events().isEmpty()) {
            h.append("<h3>Events</h3><div class=\"wrap\"><table><tr><th>map</th><th>records</th><th>per s</th>")
                    .append("<th>lost</th><th>lost per s</th><th>corrupt</th></tr>");
            for (EventStatus e : p.events()) {
                String key = p.name() + "/" + e.map();
                long[] last = previous.get(key);
                seen.put(key, new long[] {now, e.received(), e.lost()});
                h.append("<tr><td>")
                        .append(escape(e.map()))
                        .append("</td><td class=\"n\">")
                        .append(e.received())
                        .append("</td><td class=\"n\">")
                        .append(rate(last, now, 1, e.received()))
                        .append("</td><td class=\"n\">")
                        .append(e.lost())
                        .append("</td><td class=\"n\">")
                        .append(rate(last, now, 2, e.lost()))
                        .append("</td><td class=\"n\">")
                        .append(e.corrupt())
                        .append("</td></tr>");
            }
            h.append("</table></div>");
        }
        h.append("</section>");
    }

    /** The rate of a count since the last render (blank on the first one, or when it went back: a new version). */
    private static String rate(long[] last, long now, int index, long value) {
        if (last == null || now - last[0] < 500_000_000L || value < last[index]) return "";
        return String.format("%.1f", (value - last[index]) * 1e9 / (now - last[0]));
    }

    /** An ISO-8601 instant to the second: "2026-12-03T11:42:22Z". */
    private static String seconds(String instant) {
        return instant.replaceFirst("\\.\\d+Z$", "Z");
    }

    private static String badge(String kind, String text) {
        return "<span class=\"" + kind + "\">" + text + "</span>";
    }

    static String escape(String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
