package io.codegenstreams.inference.internals.scheduler;

import java.util.Arrays;

/**
 * How much one more row slows a decode step, measured on the steps this scheduler runs (steps that prefill are left
 * out): {@code t1}, the median of recent one-row steps, and the per-row cost, the <em>weighted</em> median of
 * {@code (t - t1) / (n - 1)} over recent steps of {@code n >= 2} rows, each weighing {@code n - 1}. Medians, so a GC
 * pause or a descheduled thread does not swing the figure; weighted, because a step of two rows tells the per-row
 * cost with the full jitter of one step, a step of 30 rows with a 29th of it. Under light load most multi-row steps
 * have two rows: an unweighted median of their estimates follows the jitter (on a 2-core CPU it flipped between 0
 * and 0.7 of a one-row step while the truth was about 0.3), and HIGH isolation, which depends on it, came and went.
 *
 * <p>On a memory-bound accelerator a decode step costs about the same for 1 or 32 rows (reading the weights
 * dominates), so running LOW rows next to a HIGH request is nearly free; on a small CPU a step costs roughly rows x
 * a per-row cost, and every LOW row beside a HIGH request slows it. {@link #relative()} tells which case this is.
 */
final class RowCost {
    /** Samples kept of each kind. */
    static final int WINDOW = 64;
    /** Samples needed of each kind before there is an estimate. */
    static final int MIN_SAMPLES = 16;
    /** Per-row costs below this are noise (a fake backend's list operations), never a reason to isolate. */
    static final long NEGLIGIBLE_NANOS = 10_000;

    private final long[] oneRow = new long[WINDOW];
    private final long[] multiNanos = new long[WINDOW];
    private final int[] multiRows = new int[WINDOW];
    /** Samples held (at most {@link #WINDOW}) and where the next one goes, for each ring. */
    private int oneRowCount;
    private int oneRowNext;
    private int multiCount;
    private int multiNext;
    private double relative = Double.NaN;
    private int sinceUpdate;

    /** Records a step of {@code rows} rows that prefilled {@code prefillTokens} tokens and took {@code nanos}. */
    void onStep(int rows, int prefillTokens, long nanos) {
        if (prefillTokens > 0 || rows < 1) {
            return;
        }
        if (rows == 1) {
            oneRow[oneRowNext] = nanos;
            oneRowNext = (oneRowNext + 1) % WINDOW;
            oneRowCount = Math.min(WINDOW, oneRowCount + 1);
        } else {
            multiNanos[multiNext] = nanos;
            multiRows[multiNext] = rows;
            multiNext = (multiNext + 1) % WINDOW;
            multiCount = Math.min(WINDOW, multiCount + 1);
        }
        if (++sinceUpdate >= 8) {
            sinceUpdate = 0;
            update();
        }
    }

    private void update() {
        if (oneRowCount < MIN_SAMPLES || multiCount < MIN_SAMPLES) {
            relative = Double.NaN;
            return;
        }
        long t1 = median(oneRow, oneRowCount);
        long row = perRow(t1);
        relative = row < NEGLIGIBLE_NANOS || t1 <= 0 ? 0 : (double) row / t1;
    }

    /** The weighted median of the multi-row steps' per-row estimates against {@code t1}. */
    private long perRow(long t1) {
        int n = multiCount;
        long[][] samples = new long[n][];
        long totalWeight = 0;
        for (int i = 0; i < n; i++) {
            int weight = multiRows[i] - 1;
            samples[i] = new long[]{Math.max(0, (multiNanos[i] - t1) / weight), weight};
            totalWeight += weight;
        }
        Arrays.sort(samples, (a, b) -> Long.compare(a[0], b[0]));
        long seen = 0;
        for (long[] s : samples) {
            seen += s[1];
            if (2 * seen >= totalWeight) {
                return s[0];
            }
        }
        return samples[n - 1][0];
    }

    /** Extra time of one more row as a share of a one-row step; NaN until enough steps of both kinds ran. */
    double relative() {
        return relative;
    }

    private static long median(long[] ring, int count) {
        long[] copy = Arrays.copyOf(ring, count);
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }
}
