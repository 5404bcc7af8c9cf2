package dev.kprom.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Where each field of a YAML document starts, by path ({@code programs[0].attach[1].kprobe}), so that errors
 * found after binding can still name a line and column.
 */
final class YamlLocations {
    private static final class Frame {
        final boolean array;
        String field;
        int index = -1;

        Frame(boolean array) {
            this.array = array;
        }

        String segment() {
            return array ? "[" + index + "]" : field == null ? "" : "." + field;
        }
    }

    private final Map<String, JsonLocation> byPath = new HashMap<>();

    YamlLocations(String yaml) {
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Frame top = stack.peek();
                switch (t) {
                    case FIELD_NAME -> {
                        top.field = p.currentName();
                        byPath.put(path(stack), p.currentTokenLocation());
                    }
                    case END_OBJECT, END_ARRAY -> stack.pop();
                    default -> {
                        if (top != null && top.array) {
                            top.index++;
                            byPath.put(path(stack), p.currentTokenLocation());
                        }
                        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                            stack.push(new Frame(t == JsonToken.START_ARRAY));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Syntax errors are reported by the binder, with their own location.
        }
    }

    private static String path(Deque<Frame> stack) {
        StringBuilder b = new StringBuilder();
        for (Iterator<Frame> it = stack.descendingIterator(); it.hasNext(); )
            b.append(it.next().segment());
        return b.length() > 0 && b.charAt(0) == '.' ? b.substring(1) : b.toString();
    }

    /** The location of a path, or of its nearest ancestor that has one; null if none. */
    JsonLocation find(String path) {
        String p = path;
        while (!p.isEmpty()) {
            JsonLocation loc = byPath.get(p);
            if (loc != null) return loc;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return null;
    }
}
