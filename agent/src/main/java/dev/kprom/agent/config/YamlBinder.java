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
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Binds YAML to records strictly (snake_case keys, no unknown keys, no type coercion) and reports every problem
 * of a file at once, each with its line and column, instead of stopping at the first.
 */
public final class YamlBinder {
    private YamlBinder() {}

    /** Binds {@code text} (from {@code file}) to {@code type}; throws {@link ConfigException} with all errors. */
    public static <T> T bind(String file, String text, Class<T> type) {
        List<ConfigError> errors = new ArrayList<>();
        ObjectMapper mapper = YAMLMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addHandler(new Collector(file, errors))
                .build();
        T value;
        try {
            value = mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
            errors.add(new ConfigError(file, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(),
                    "", message));
            throw new ConfigException(errors);
        }
        if (value == null) {
            errors.add(new ConfigError(file, 1, 1, "", "is empty"));
        }
        if (!errors.isEmpty()) throw new ConfigException(errors);
        return value;
    }

    /** The dotted path of the parser's current position: "programs[0].attach[1].kprobe". */
    static String path(JsonStreamContext ctx) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            else if (c.getCurrentName() != null) parts.add(0, "." + c.getCurrentName());
        }
        String p = String.join("", parts);
        return p.startsWith(".") ? p.substring(1) : p;
    }

    /** Records problems and lets binding continue past them. */
    private static final class Collector extends DeserializationProblemHandler {
        private final String file;
        private final List<ConfigError> errors;

        Collector(String file, List<ConfigError> errors) {
            this.file = file;
            this.errors = errors;
        }

        private void add(JsonParser p, String path, String message) {
            JsonLocation loc = p.currentTokenLocation();
            errors.add(new ConfigError(file, loc.getLineNr(), loc.getColumnNr(), path, message));
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            TreeSet<String> known = new TreeSet<>();
            for (Object k : deserializer.getKnownPropertyNames()) known.add(k.toString());
            add(p, path(p.getParsingContext()), "unknown key (known keys: " + String.join(", ", known) + ")");
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                                            String failureMsg) throws IOException {
            add(p, path(p.getParsingContext()), "expected " + describe(targetType) + " (got " + got(t, p) + ")");
            p.skipChildren();
            return defaultFor(targetType);
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                                             String failureMsg) throws IOException {
            add(ctxt.getParser(), path(ctxt.getParser().getParsingContext()),
                    "expected " + describe(ctxt.constructType(targetType)) + " (got \"" + value + "\")");
            return defaultFor(ctxt.constructType(targetType));
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value,
                                             String failureMsg) throws IOException {
            add(ctxt.getParser(), path(ctxt.getParser().getParsingContext()),
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
