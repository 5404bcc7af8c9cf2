package dev.kprom.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Binds YAML to records strictly (snake_case keys, no unknown keys, no mistyped values) and reports every problem
 * of a file at once, each with its line and column, instead of stopping at the first.
 */
public final class YamlBinder {
    private YamlBinder() {}

    /**
     * Binds {@code text} to {@code type}, adding every problem to {@code problems} and carrying on past it.
     * Returns null only when the YAML cannot be parsed at all or is empty.
     */
    static <T> T bind(String text, Class<T> type, Problems problems) {
        ObjectMapper mapper = YAMLMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .addHandler(new Collector(problems))
                .build();
        T value;
        try {
            value = mapper.readValue(text, type);
        } catch (JsonMappingException e) {
            if (e.getOriginalMessage().startsWith("No content to map")) {
                problems.add("", "is empty");
            } else {
                StringBuilder path = new StringBuilder();
                for (JsonMappingException.Reference r : e.getPath()) {
                    if (r.getFieldName() != null)
                        path.append(path.length() > 0 ? "." : "").append(r.getFieldName());
                    else path.append('[').append(r.getIndex()).append(']');
                }
                problems.add(
                        path.toString(),
                        e.getOriginalMessage().lines().findFirst().orElse("invalid value"));
            }
            return null;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
            problems.addAt(loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), message);
            return null;
        }
        if (value == null) problems.add("", "is empty");
        return value;
    }

    /**
     * The dotted path of the value the parser is on: "programs[0].attach[1].kprobe". On the start of a list or
     * mapping the parser has already entered it, so its path is the enclosing context's.
     */
    static String path(JsonParser p) {
        JsonStreamContext ctx = p.getParsingContext();
        if (p.currentToken() == JsonToken.START_ARRAY || p.currentToken() == JsonToken.START_OBJECT)
            ctx = ctx.getParent();
        return path(ctx);
    }

    static String path(JsonStreamContext ctx) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            else if (c.getCurrentName() != null) parts.add(0, "." + c.getCurrentName());
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    /** The path of an unknown key: from the mapping that holds it, wherever the parser has got to inside its value. */
    static String keyPath(JsonStreamContext ctx, String key) {
        JsonStreamContext c = ctx;
        while (c != null && !(c.inObject() && key.equals(c.getCurrentName()))) c = c.getParent();
        return path(c == null ? ctx : c);
    }

    /** Records problems and lets binding continue past them. */
    private static final class Collector extends DeserializationProblemHandler {
        private final Problems problems;

        Collector(Problems problems) {
            this.problems = problems;
        }

        @Override
        public boolean handleUnknownProperty(
                DeserializationContext ctxt,
                JsonParser p,
                JsonDeserializer<?> deserializer,
                Object beanOrClass,
                String propertyName)
                throws IOException {
            TreeSet<String> known = new TreeSet<>();
            for (Object k : deserializer.getKnownPropertyNames()) known.add(k.toString());
            problems.add(
                    keyPath(p.getParsingContext(), propertyName),
                    "unknown key (known keys: " + String.join(", ", known) + ")");
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleUnexpectedToken(
                DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p, String failureMsg)
                throws IOException {
            problems.add(path(p), "expected " + describe(targetType) + " (got " + got(t, p) + ")");
            p.skipChildren();
            return defaultFor(targetType);
        }

        @Override
        public Object handleWeirdStringValue(
                DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) throws IOException {
            problems.add(
                    path(ctxt.getParser()),
                    "expected " + describe(ctxt.constructType(targetType)) + " (got \"" + value + "\")");
            return defaultFor(ctxt.constructType(targetType));
        }

        @Override
        public Object handleWeirdNumberValue(
                DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) throws IOException {
            problems.add(
                    path(ctxt.getParser()),
                    "expected " + describe(ctxt.constructType(targetType)) + " (got " + value + ")");
            return defaultFor(ctxt.constructType(targetType));
        }

        private static String got(JsonToken t, JsonParser p) throws IOException {
            return switch (t) {
                case START_OBJECT -> "a mapping";
                case START_ARRAY -> "a list";
                case VALUE_STRING -> "\"" + p.getText() + "\"";
                default -> p.getText();
            };
        }

        private static String describe(JavaType type) {
            Class<?> c = type.getRawClass();
            if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return "an integer";
            if (c == boolean.class || c == Boolean.class) return "true or false";
            if (c == String.class) return "a string";
            if (type.isCollectionLikeType()) return "a list";
            return "a mapping";
        }

        private static Object defaultFor(JavaType type) {
            Class<?> c = type.getRawClass();
            if (c == int.class) return 0;
            if (c == long.class) return 0L;
            if (c == boolean.class) return false;
            return null;
        }
    }
}
