package dev.kprom.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnlineCpusTest {
    @Test
    void parsesTheKernelsCpuLists() {
        assertThat(OnlineCpus.parse("0").toString()).isEqualTo("{0}");
        assertThat(OnlineCpus.parse("0-1\n").toString()).isEqualTo("{0, 1}");
        assertThat(OnlineCpus.parse("0-3,5,7-8").toString()).isEqualTo("{0, 1, 2, 3, 5, 7, 8}");
        assertThat(OnlineCpus.parse("2,4").toString()).isEqualTo("{2, 4}");
        assertThat(OnlineCpus.read().cardinality())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0-", "3-1", "1,,2", "-1"})
    void rejectsAnythingElseSayingWhere(String list) {
        assertThatThrownBy(() -> OnlineCpus.parse(list))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a CPU list");
    }
}
