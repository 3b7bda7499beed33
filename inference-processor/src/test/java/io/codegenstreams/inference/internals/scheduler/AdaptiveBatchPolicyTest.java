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

    @Test
    void shouldLetJoinersInWhenBatchEmptyHighWaitingQuarterFreeOrOldestWaitedMaxWaitWithoutBacklog() {
        AdaptiveBatchPolicy p = new AdaptiveBatchPolicy(false, 32, 100, 10);
        assertThat(p.joinThreshold()).isEqualTo(8);
        assertThat(p.admitJoiners(0, 1, 0, false)).isTrue();            // empty batch
        assertThat(p.admitJoiners(24, 3, 0, false)).isTrue();           // 8 free
        assertThat(p.admitJoiners(25, 3, 0, false)).isFalse();          // 7 free, fresh waiters
        assertThat(p.admitJoiners(25, 3, 10 * MS, false)).isTrue();     // the oldest waited batch.max.wait.ms
        assertThat(p.admitJoiners(25, 8, 10 * MS, false)).isFalse();    // a backlog that fills a group waits for one
        assertThat(p.admitJoiners(32, 3, 10 * MS, false)).isFalse();    // no free slot
        assertThat(p.admitJoiners(32, 1, 0, true)).isTrue();            // HIGH waits (it may preempt)
        assertThat(p.admitJoiners(0, 0, 0, true)).isFalse();            // nobody waits
        AdaptiveBatchPolicy small = new AdaptiveBatchPolicy(false, 2, 100, 10);
        assertThat(small.joinThreshold()).isEqualTo(1);
        assertThat(small.admitJoiners(1, 1, 0, false)).isTrue();
    }
}
