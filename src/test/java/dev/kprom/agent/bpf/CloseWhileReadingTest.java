package dev.kprom.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Memory;
import dev.kprom.testing.BpfTest;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No read of a map runs on a freed object: close waits for a read in progress, and a read after close fails cleanly. */
@BpfTest
class CloseWhileReadingTest {
    @Test
    void closeWaitsForAReadInProgressAndLaterReadsFail() throws Exception {
        BpfObject object = BpfObject.openFile(Path.of("target/bpf/execve.bpf.o"));
        object.programs().forEach(p -> p.setAutoload(p.name().equals("tp_execve")));
        object.load();
        BpfMap map = object.map("execve_total");
        try (Memory key = new Memory(20);
                Memory value = new Memory(8)) {
            key.clear();
            value.setLong(0, 42);
            map.update(key, value);
        }
        MapReader reader = map.reader();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        Thread read = new Thread(() -> reader.forEach((keys, ko, values, vo) -> {
            inside.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        read.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread close = new Thread(object::close);
        close.start();
        close.join(300);
        assertThat(close.isAlive())
                .as("close waits while a read is in progress")
                .isTrue();
        gate.countDown();
        close.join(10_000);
        read.join(10_000);
        assertThat(close.isAlive()).isFalse();
        assertThat(object.loaded()).isFalse();
        assertThatThrownBy(() -> reader.forEach((keys, ko, values, vo) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }
}
