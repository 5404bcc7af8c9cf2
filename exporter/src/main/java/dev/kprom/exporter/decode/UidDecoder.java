package dev.kprom.exporter.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code uid}: a user id (raw integer) as the user name from the passwd file; unknown ids stay numbers. */
public final class UidDecoder implements Decoder {
    private final Map<Long, String> users = new HashMap<>();

    public UidDecoder(Path passwd) {
        try {
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[2].matches("\\d+")) users.putIfAbsent(Long.parseLong(f[2]), f[0]);
            }
        } catch (IOException e) {
            // no passwd file (a minimal container): every uid stays a number
        }
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        long uid = Ints.unsigned(in);
        String name = users.get(uid);
        return name != null ? Ints.text(name) : Ints.text(uid);
    }
}
