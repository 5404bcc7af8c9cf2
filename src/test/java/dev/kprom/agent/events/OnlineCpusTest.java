package dev.kprom.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OnlineCpusTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0|{0}", "0-1\n|{0, 1}", "0-3,5,7-8|{0, 1, 2, 3, 5, 7, 8}", "2,4|{2, 4}"})
    void parsesTheKernelsCpuLists(String list, String expected) {
        BitSet cpus = OnlineCpus.parse(list);
        assertThat(cpus.toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0-", "3-1", "1,,2", "-1"})
    void rejectsAnythingElseSayingWhere(String list) {
        assertThatThrownBy(() -> OnlineCpus.parse(list)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a CPU list");
    }
}
