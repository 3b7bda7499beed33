package io.codegenstreams.inference.internals.scheduler;

import java.util.Arrays;

/**
 * How much one more row slows a decode step, measured on the steps this scheduler runs: the median of recent
 * one-row decode steps ({@code t1}) and the median of recent {@code (t - t1) / (n - 1)} over decode steps of
 * {@code n >= 2} rows (steps that prefill are left out). Medians, so a GC pause or a descheduled thread does not
 * swing the figure.
 *
 * <p>On a memory-bound accelerator a decode step costs about the same for 1 or 32 rows (reading the weights
 * dominates), so running LOW rows next to a HIGH request is nearly free; on a small CPU a step costs roughly rows x
 * a per-row cost, and every LOW row beside a HIGH request slows it. {@link #relative()} tells which case this is.
 */
final class RowCost {
    /** Samples kept for each median. */
    static final int WINDOW = 64;
    /** Samples needed of each kind before there is an estimate. */
    static final int MIN_SAMPLES = 16;
    /** Per-row costs below this are noise (a fake or a tiny model), never a reason to isolate. */
    static final long NEGLIGIBLE_NANOS = 50_000;

    private final long[] oneRow = new long[WINDOW];
    private final long[] perRow = new long[WINDOW];
    private int oneRowCount;
    private int perRowCount;
    private double relative = Double.NaN;
    private int sinceUpdate;

    /** Records a step of {@code rows} rows that prefilled {@code prefillTokens} tokens and took {@code nanos}. */
    void onStep(int rows, int prefillTokens, long nanos) {
        if (prefillTokens > 0 || rows < 1) {
            return;
        }
        if (rows == 1) {
            oneRow[oneRowCount++ % WINDOW] = nanos;
        } else if (oneRowCount >= MIN_SAMPLES) {
            perRow[perRowCount++ % WINDOW] = Math.max(0, (nanos - median(oneRow, oneRowCount)) / (rows - 1));
        } else {
            return;
        }
        if (++sinceUpdate >= 8) {
            sinceUpdate = 0;
            update();
        }
    }

    private void update() {
        if (oneRowCount < MIN_SAMPLES || perRowCount < MIN_SAMPLES) {
            relative = Double.NaN;
            return;
        }
        long t1 = median(oneRow, oneRowCount);
        long row = median(perRow, perRowCount);
        relative = row < NEGLIGIBLE_NANOS || t1 <= 0 ? 0 : (double) row / t1;
    }

    /** Extra time of one more row as a share of a one-row step; NaN until enough steps of both kinds ran. */
    double relative() {
        return relative;
    }

    private static long median(long[] ring, int count) {
        long[] copy = Arrays.copyOf(ring, Math.min(count, ring.length));
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }
}
