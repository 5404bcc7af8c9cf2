package dev.kprom.exporter.http;

import java.util.List;

/** What the landing page at {@code /} shows. */
public record LandingPage(String version, List<String> probeSets) {
    public LandingPage {
        probeSets = List.copyOf(probeSets);
    }

    String html() {
        StringBuilder items = new StringBuilder();
        for (String p : probeSets) items.append("<li>").append(escape(p)).append("</li>");
        return "<!DOCTYPE html><html><head><title>kprom</title></head><body>"
                + "<h1>kprom " + escape(version) + "</h1>"
                + "<p>eBPF metrics for Prometheus. <a href=\"/metrics\">Metrics</a></p>"
                + "<h2>Probe sets</h2><ul>" + items + "</ul></body></html>\n";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
