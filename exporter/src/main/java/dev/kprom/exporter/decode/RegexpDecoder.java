package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code regexp}: keeps the series only if the input text matches one of {@code regexps} (anywhere in it). */
public final class RegexpDecoder implements Decoder {
    private final List<Pattern> patterns;

    public RegexpDecoder(List<String> regexps) {
        if (regexps == null || regexps.isEmpty())
            throw new IllegalArgumentException("regexps: regexp needs at least one");
        try {
            patterns = regexps.stream().map(Pattern::compile).toList();
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("regexps: " + e.getDescription() + " (got \"" + e.getPattern() + "\")");
        }
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        String s = new String(in, StandardCharsets.UTF_8);
        for (Pattern p : patterns) {
            if (p.matcher(s).find()) return in;
        }
        return null;
    }
}
