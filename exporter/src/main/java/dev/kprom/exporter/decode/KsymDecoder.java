package dev.kprom.exporter.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ksym}: a kernel address (8 bytes) as the function containing it, from /proc/kallsyms: the symbol with
 * the highest address not above it. Addresses below every symbol, or a kallsyms that hides addresses (all
 * zero without root), give {@code 0x<address>}.
 */
public final class KsymDecoder implements Decoder {
    private static final long SHARED_FOR_NANOS = 300_000_000_000L;
    private static KsymDecoder shared;
    private static long sharedAt;

    private final long[] addresses;
    private final String[] names;

    /**
     * The running kernel's symbols, read once and shared by every label that decodes kernel addresses (the table
     * holds every function: several MiB); read again for decoders built more than five minutes later, so that
     * modules loaded since are found after a reload.
     */
    public static synchronized KsymDecoder system() {
        long now = System.nanoTime();
        if (shared == null || now - sharedAt > SHARED_FOR_NANOS) {
            shared = new KsymDecoder(Path.of("/proc/kallsyms"));
            sharedAt = now;
        }
        return shared;
    }

    public KsymDecoder(Path kallsyms) {
        List<long[]> entries = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(kallsyms)) {
            String line;
            while ((line = in.readLine()) != null) {
                int a = line.indexOf(' ');
                if (a < 0 || line.length() < a + 3) continue;
                char type = Character.toLowerCase(line.charAt(a + 1));
                if (type != 't' && type != 'w') continue;
                long address = Long.parseUnsignedLong(line.substring(0, a), 16);
                if (address == 0) continue;
                int end = line.indexOf('\t', a + 3);
                entries.add(new long[] {address, symbols.size()});
                symbols.add(end < 0 ? line.substring(a + 3) : line.substring(a + 3, end));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read " + kallsyms, e);
        }
        entries.sort((x, y) -> Long.compareUnsigned(x[0], y[0]));
        addresses = new long[entries.size()];
        names = new String[entries.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = entries.get(i)[0];
            names[i] = symbols.get((int) entries.get(i)[1]);
        }
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        return Ints.text(symbol(Ints.unsigned(in)));
    }

    /** The function containing {@code address}, or {@code 0x<address>} below every symbol. */
    String symbol(long address) {
        int i = floor(address);
        return i < 0 ? "0x" + Long.toHexString(address) : names[i];
    }

    /** Index of the last symbol at or below {@code address} (unsigned), or -1. */
    private int floor(long address) {
        int lo = 0;
        int hi = addresses.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    int size() {
        return addresses.length;
    }

    @Override
    public String toString() {
        return "ksym(" + addresses.length + " symbols)";
    }
}
