package dev.kprom.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kprom.exporter.decode.Decoders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON Schemas editors use accept every shipped file, and stay in step with kprom's own validation. */
class SchemaTest {
    private static JsonSchema schema(String file) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("config", file))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
        }
    }

    private static Set<ValidationMessage> validate(String schema, Path yaml) throws IOException {
        JsonNode doc = new YAMLMapper().readTree(yaml.toFile());
        return schema(schema).validate(doc);
    }

    static Stream<Path> probeSets() throws IOException {
        return Files.list(Path.of("config/probes"))
                .filter(p -> p.toString().endsWith(".yaml"))
                .sorted();
    }

    @Test
    void theDaemonConfigMatchesItsSchema() throws IOException {
        assertThat(validate("kprom.schema.json", Path.of("config/kprom.yaml"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probeSets")
    void everyShippedProbeSetMatchesTheSchema(Path file) throws IOException {
        assertThat(validate("probe-set.schema.json", file)).isEmpty();
    }

    @Test
    void theSchemaRejectsUnknownKeysAsKpromDoes() throws IOException {
        assertThat(validate("probe-set.schema.json", Path.of("src/test/resources/config/invalid/unknown-key.yaml")))
                .extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("nmae"));
    }

    @Test
    void theSchemaListsExactlyKpromsDecoders() throws IOException {
        JsonNode names = new YAMLMapper()
                .readTree(Path.of("config/probe-set.schema.json").toFile())
                .at("/$defs/decoder/properties/name/enum");
        Set<String> listed = new TreeSet<>();
        names.forEach(n -> listed.add(n.asText()));
        assertThat(listed).isEqualTo(Decoders.names());
    }
}
