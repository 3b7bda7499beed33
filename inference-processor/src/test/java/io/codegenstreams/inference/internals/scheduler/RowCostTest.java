package io.codegenstreams.inference.internals.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

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
