package dev.kprom.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** kprom's version, from the properties Maven writes at build time. */
public final class Version {
    private Version() {}

    public static String get() {
        try (InputStream in = Version.class.getClassLoader().getResourceAsStream("kprom-build.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
