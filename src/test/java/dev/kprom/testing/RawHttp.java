package dev.kprom.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw HTTP over a socket, for tests of what a misbehaving client gets. */
public final class RawHttp {
    private RawHttp() {}

    /** Reads until the server closes, or until the socket's timeout: then {@code <still open>} ends the text. */
    public static String readToClose(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            out.write("<still open>".getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
