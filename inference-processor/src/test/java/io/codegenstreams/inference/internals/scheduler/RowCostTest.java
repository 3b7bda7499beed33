package io.codegenstreams.inference.internals.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RowCostTest {
    private static final long US = 1_000L;

    private static RowCost feed(long fixedNanos, long perRowNanos) {
        RowCost c = new RowCost();
        for (int i = 0; i < 40; i++) {
            c.onStep(1, 0, fixedNanos + perRowNanos);
            int rows = 2 + i % 30;
            c.onStep(rows, 0, fixedNanos + rows * perRowNanos);
        }
        return c;
    }

    @Test
    void shouldMeasureRowsAsCostlyWhenStepsGrowWithRowsLikeOnASmallCpu() {
        // about the default model on 2 cores: 250 us per step + 136 us per row
        assertThat(feed(250 * US, 136 * US).relative()).isBetween(0.34, 0.36);
    }

    @Test
    void shouldMeasureRowsAsNearlyFreeWhenStepsAreMemoryBoundLikeOnAGpu() {
        // the simulated GPU's cost model: 12 ms per step + 0.1 ms per row
        assertThat(feed(12_000 * US, 100 * US).relative()).isLessThan(0.01);
    }

    @Test
    void shouldIgnoreOutliersAndPrefillStepsWhenEstimating() {
        RowCost c = feed(250 * US, 136 * US);
        for (int i = 0; i < 10; i++) {
            c.onStep(8, 0, 50_000 * US);   // a few steps stalled by a GC pause
            c.onStep(8, 900, 90_000 * US); // prefill steps are left out
        }
        assertThat(c.relative()).isBetween(0.3, 0.4);
    }

    /**
     * Step times of the default model with one ORT thread on this 2-core machine (medians of 60 steps, microseconds):
     * one row 273; a second row adds only 44, a third 57, and from eight rows on each row adds about 100. Under light
     * load most multi-row steps have two rows: an unweighted median of per-step estimates read about 44 us per row,
     * under the old 50 us noise floor, and HIGH isolation switched off exactly when LOW joined HIGH in big batches.
     */
    private static final int[] ROWS = {2, 3, 4, 8, 16, 24, 32};
    private static final long[] EXTRA_US = {44, 101, 237, 740, 1562, 2223, 2919};

    @Test
    void shouldMeasureRowsAsCostlyWhenMostMultiRowStepsHaveTwoRowsWhoseSecondRowIsCheap() {
        Random random = new Random(42);
        RowCost c = new RowCost();
        for (int i = 0; i < 400; i++) {
            c.onStep(1, 0, 273 * US + jitter(random));
            int k = random.nextInt(5) == 0 ? 3 + random.nextInt(4) : random.nextInt(4) == 0 ? 1 : 0; // 60% two rows
            c.onStep(ROWS[k], 0, (273 + EXTRA_US[k]) * US + jitter(random));
            if (i >= 40) {
                assertThat(c.relative()).as("after %d steps", 2 * i).isBetween(0.2, 0.5);
            }
        }
    }

    /** Gaussian jitter of 30 us, and one step in ten descheduled for up to 2 ms. */
    private static long jitter(Random random) {
        return Math.max(0, (long) (random.nextGaussian() * 30 * US))
                + (random.nextInt(10) == 0 ? random.nextInt(2_000) * US : 0);
    }

    @Test
    void shouldHaveNoEstimateWhenOnlyOneRowStepsRan() {
        RowCost c = new RowCost();
        for (int i = 0; i < 100; i++) {
            c.onStep(1, 0, 400 * US);
        }
        assertThat(c.relative()).isNaN();
    }

    @Test
    void shouldTreatMicrosecondRowsAsFreeWhenAFakeOrTinyModelRuns() {
        assertThat(feed(3 * US, 2 * US).relative()).isZero();
    }
}
