package dev.kprom.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kprom.agent.probe.ProbeSetBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under src/test/resources/config/invalid/ is a broken probe set whose first line says the exact error
 * it must produce: {@code # expect: line:column: path: message}. Some break on their own, some only against their
 * object (a missing map, a size that does not match its BTF field).
 */
class InvalidConfigTest {
    private static final Path DIR = Path.of("src/test/resources/config/invalid");

    static Stream<Path> files() throws IOException {
        return Files.list(DIR).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void reportsTheExactErrorWithItsLocation(Path file) throws IOException {
        String text = Files.readString(file);
        String expected = text.lines().findFirst().orElseThrow().replaceFirst("^# expect: ", "");
        // what parses is then checked against its object: opened, never loaded, so nothing can stay attached
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ProbeSetBinder.check(ConfigLoader.parseProbeSet("t", file.toString(), text, file.getParent())));
        assertThat(e).as("%s must be rejected", file).isNotNull();
        String where = file + ":" + expected;
        assertThat(e.errors()).extracting(ConfigError::toString).contains(where);
    }
}
