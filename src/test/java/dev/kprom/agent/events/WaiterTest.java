package dev.kprom.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Memory;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.LibC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WaiterTest {
    private int wake;
    private int ring;

    @BeforeEach
    void eventfds() {
        wake = LibC.eventfd(0, LibC.EFD_CLOEXEC);
        ring = LibC.eventfd(0, LibC.EFD_CLOEXEC);
        assertThat(wake).isNotNegative();
        assertThat(ring).isNotNegative();
    }

    @AfterEach
    void close() {
        LibC.close(wake);
        LibC.close(ring);
    }

    private static void signal(int fd) {
        try (Memory one = new Memory(8)) {
            one.setLong(0, 1);
            assertThat(LibC.write(fd, one, 8)).isEqualTo(8);
        }
    }

    private static long waitedMillis(Waiter w, int timeoutMs) {
        long t0 = System.nanoTime();
        assertThat(w.await(timeoutMs)).isZero();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void sleepsForTheTimeoutUnlessAWatchedFdWakesIt() {
        try (Waiter w = Waiter.open("test ring", wake, ring)) {
            assertThat(w.watchesRing()).isTrue();
            assertThat(waitedMillis(w, 50)).isBetween(40L, 1000L);
            signal(ring);
            assertThat(waitedMillis(w, 5000)).isLessThan(1000L);
        }
        try (Waiter w = Waiter.open("test ring", wake, -1)) {
            assertThat(w.watchesRing()).isFalse();
            signal(wake);
            assertThat(waitedMillis(w, 5000)).isLessThan(1000L);
        }
    }

    @Test
    void aFdThatCannotBeWatchedIsReportedWithItsErrno() {
        assertThatThrownBy(() -> Waiter.open("events ring 3", wake, Integer.MAX_VALUE)) // no such fd
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("epoll_ctl(EPOLL_CTL_ADD) for events ring 3: EBADF");
    }
}
