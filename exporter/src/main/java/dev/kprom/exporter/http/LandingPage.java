package dev.kprom.exporter.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/** What the landing page at {@code /} shows; {@code eventsPath} (null when off) links the live event stream. */
public record LandingPage(String version, List<String> probeSets, boolean tls, boolean basicAuth, String eventsPath)
        implements PathHandler {
    public LandingPage {
        probeSets = List.copyOf(probeSets);
    }

    public LandingPage(String version, List<String> probeSets, boolean tls, boolean basicAuth) {
        this(version, probeSets, tls, basicAuth, null);
    }

    public LandingPage(String version, List<String> probeSets) {
        this(version, probeSets, false, false, null);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        Responses.send(ctx, request, Responses.html(html()));
    }

    String html() {
        StringBuilder items = new StringBuilder();
        for (String p : probeSets) items.append("<li>").append(escape(p)).append("</li>");
        return "<!DOCTYPE html><html><head><title>kprom</title></head><body>"
                + "<h1>kprom " + escape(version) + "</h1>"
                + "<p>eBPF metrics for Prometheus. <a href=\"/metrics\">Metrics</a> &middot; <a href=\"/probes\">Probe sets</a>"
                + " &middot; <a href=\"/healthz\">Health</a> &middot; <a href=\"/readyz\">Readiness</a>"
                + (eventsPath == null
                        ? ""
                        : " &middot; <a href=\"" + escape(eventsPath) + "\">Live events (NDJSON)</a>")
                + "</p>"
                + "<p>TLS: " + (tls ? "on" : "off") + ". Basic auth: " + (basicAuth ? "on" : "off") + ".</p>"
                + "<h2>Probe sets</h2><ul>" + items + "</ul></body></html>\n";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
