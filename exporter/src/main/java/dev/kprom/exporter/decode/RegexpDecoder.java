package dev.kprom.exporter.decode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code regexp}: keeps the series only if the input text matches one of {@code regexps} (anywhere in it), tried
 * in order. A regexp with a capturing group turns the label into what its first group caught
 * ({@code "^kworker/(\\d+):"} makes {@code kworker/3:1} into {@code 3}); one without keeps the text as it came.
 */
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
            Matcher m = p.matcher(s);
            if (!m.find()) continue;
            if (m.groupCount() == 0) return in;
            String group = m.group(1);
            return group == null ? new byte[0] : Ints.text(group); // an optional group that caught nothing: empty
        }
        return null;
    }
}
