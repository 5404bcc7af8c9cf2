package dev.kprom.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DrainPaceTest {
    private static final long MS = 1_000_000;
    private static final long RING = 512 * 1024;

    @Test
    void aSlowRingWaitsTheInterval() {
        DrainPace pace = new DrainPace(10, 10, RING, 0);
        // 4 KB in 10 ms: a quarter of the ring would take 320 ms
        assertThat(pace.next(4096, 10 * MS)).isEqualTo(10);
        assertThat(pace.next(4096, 20 * MS)).isEqualTo(10);
    }

    @Test
    void aFastRingIsDrainedBeforeAQuarterFills() {
        DrainPace pace = new DrainPace(10, 10, RING, 0);
        // 40 MB/s (1 M records of 40 bytes a second): a quarter of 512 KiB fills in 3.3 ms
        assertThat(pace.next(400_000, 10 * MS)).isEqualTo(3);
        assertThat(pace.next(120_000, 13 * MS)).isEqualTo(3);
        // faster than a quarter a millisecond: the shortest wait, 1 ms (the drain thread also drains again at
        // once when it took half the ring)
        assertThat(pace.next(400_000, 14 * MS)).isEqualTo(1);
    }

    @Test
    void aBurstShortensTheWaitAtOnceAndALullLengthensItGradually() {
        DrainPace pace = new DrainPace(10, 10, RING, 0);
        assertThat(pace.next(4096, 10 * MS)).isEqualTo(10);
        assertThat(pace.next(131_072, 11 * MS)).isEqualTo(1); // a quarter ring in 1 ms
        // the rate falls to nothing: the estimate halves each drain, so the wait grows 1, 2, 4, 8, then the interval
        assertThat(pace.next(1, 12 * MS)).isEqualTo(2);
        assertThat(pace.next(1, 14 * MS)).isEqualTo(4);
        assertThat(pace.next(1, 18 * MS)).isEqualTo(8);
        assertThat(pace.next(1, 26 * MS)).isEqualTo(10);
    }

    @Test
    void anIdleRingThatCanWakeItsThreadBacksOffToTheIdleLimit() {
        DrainPace pace = new DrainPace(10, 160, RING, 0);
        assertThat(pace.next(0, 10 * MS)).isEqualTo(20);
        assertThat(pace.next(0, 30 * MS)).isEqualTo(40);
        assertThat(pace.next(0, 70 * MS)).isEqualTo(80);
        assertThat(pace.next(0, 150 * MS)).isEqualTo(160);
        assertThat(pace.next(0, 310 * MS)).isEqualTo(160);
        assertThat(pace.next(4096, 320 * MS)).isEqualTo(10); // records again: back to the interval
    }

    @Test
    void anIdleRingThatCannotWakeItsThreadKeepsTheInterval() {
        DrainPace pace = new DrainPace(10, 10, RING, 0);
        assertThat(pace.next(0, 10 * MS)).isEqualTo(10);
        assertThat(pace.next(0, 20 * MS)).isEqualTo(10);
    }

    @Test
    void refusesAnIntervalUnder1msOrAnIdleLimitUnderTheInterval() {
        assertThatThrownBy(() -> new DrainPace(0, 10, RING, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DrainPace(10, 5, RING, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
