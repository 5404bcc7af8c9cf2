package dev.kprom.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes a running kprom over loopback and picks sample values out of the text format. */
public final class Scrape {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Scrape() {}

    public static HttpResponse<String> get(InetSocketAddress server, String path) {
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getPort() + path);
            return HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of the sample whose name and label text match exactly, 0 when absent. */
    public static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
