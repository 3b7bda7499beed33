package io.codegenstreams.inference.internals.scheduler;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdaptiveBatchPolicyTest {
    static final long MS = 1_000_000L;

    @Test
    void shouldIncreaseCapAdditivelyWhenStepsAreUnderTargetAndFullWithDemand() {
        AdaptiveBatchPolicy p = new AdaptiveBatchPolicy(true, 32, 100, 10);
        assertThat(p.cap()).isEqualTo(8);
        p.onStep(8, 50 * MS, 5);
        p.onStep(9, 50 * MS, 5);
        assertThat(p.cap()).isEqualTo(10);
        p.onStep(4, 50 * MS, 5); // not full: no increase
        p.onStep(10, 50 * MS, 0); // no demand: no increase
        assertThat(p.cap()).isEqualTo(10);
    }

    @Test
    void shouldCutCapMultiplicativelyWhenStepExceedsTarget() {
        AdaptiveBatchPolicy p = new AdaptiveBatchPolicy(true, 32, 100, 10);
        p.onStep(8, 150 * MS, 5);
        assertThat(p.cap()).isEqualTo(6); // floor(0.8 * 8)
        p.onStep(1, 150 * MS, 5);
        assertThat(p.cap()).isEqualTo(1); // never below 1
    }

    @Test
    void shouldKeepMaxCapAndFixedWaitWhenNotAdaptive() {
        AdaptiveBatchPolicy p = new AdaptiveBatchPolicy(false, 32, 100, 10);
        p.onStep(32, 500 * MS, 5);
        assertThat(p.cap()).isEqualTo(32);
        assertThat(p.waitNanos(3)).isEqualTo(10 * MS);
        assertThat(p.waitNanos(32)).isZero();
    }

    @Test
    void shouldWaitOnlyAsLongAsTheBatchTakesToFillWhenArrivalsAreFast() {
        AdaptiveBatchPolicy p = new AdaptiveBatchPolicy(true, 8, 100, 1000);
        for (int i = 0; i < 20; i++) {
            p.onArrival(i * MS); // 1 arrival per ms
        }
        assertThat(p.waitNanos(4)).isBetween(3 * MS, 5 * MS); // 4 missing at 1/ms
        assertThat(p.waitNanos(8)).isZero();
    }
}
