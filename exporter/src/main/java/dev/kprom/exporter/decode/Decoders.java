package dev.kprom.exporter.decode;

import dev.kprom.exporter.spec.DecoderSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** The registry: every decoder by its YAML name. */
public final class Decoders {
    private static final Map<String, Supplier<Decoder>> BY_NAME = Map.of(
            "uint", UintDecoder::new,
            "string", StringDecoder::new);

    private Decoders() {}

    public static Set<String> names() {
        return new TreeSet<>(BY_NAME.keySet());
    }

    public static boolean exists(String name) {
        return BY_NAME.containsKey(name);
    }

    public static Decoder of(DecoderSpec spec) {
        Supplier<Decoder> decoder = BY_NAME.get(spec.name());
        if (decoder == null) {
            throw new IllegalArgumentException("unknown decoder \"" + spec.name() + "\" (known: " + String.join(", ", names()) + ")");
        }
        return decoder.get();
    }

    /** A label's chain as one decoder. */
    public static Decoder chain(List<DecoderSpec> specs) {
        List<Decoder> chain = specs.stream().map(Decoders::of).toList();
        return in -> {
            byte[] out = in;
            for (Decoder d : chain) {
                if (out == null) return null;
                out = d.decode(out);
            }
            return out;
        };
    }
}
