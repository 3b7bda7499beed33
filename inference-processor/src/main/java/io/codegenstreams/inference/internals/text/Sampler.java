package io.codegenstreams.inference.internals.text;

import java.util.SplittableRandom;

/**
 * Next-token choice for one sequence. Temperature 0 is greedy (argmax, lowest index on ties). Otherwise the
 * logits are divided by the temperature, restricted to the {@code topK} largest (0 = all), soft-maxed and sampled
 * with the sequence's own random stream, so a seeded request gives the same tokens whatever batch it runs in.
 */
public final class Sampler {
    private final float temperature;
    private final int topK;
    private final SplittableRandom random;
    private int[] order = new int[0];

    public Sampler(float temperature, int topK, Long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.random = seed == null ? new SplittableRandom() : new SplittableRandom(seed);
    }

    public int next(float[] logits) {
        if (temperature == 0f || topK == 1) {
            return argmax(logits);
        }
        int v = logits.length;
        int k = topK <= 0 || topK >= v ? v : topK;
        if (order.length != v) {
            order = new int[v];
        }
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        if (k < v) {
            partialSelect(logits, k);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, logits[order[i]]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            p[i] = Math.exp((logits[order[i]] - max) / temperature);
            sum += p[i];
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < k; i++) {
            r -= p[i];
            if (r < 0) {
                return order[i];
            }
        }
        return order[k - 1];
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Moves the indices of the k largest logits to order[0..k), largest first (ties: lower index first). */
    private void partialSelect(float[] logits, int k) {
        // simple selection: k is small (top-k sampling); O(v * k)
        for (int i = 0; i < k; i++) {
            int best = i;
            for (int j = i + 1; j < order.length; j++) {
                float a = logits[order[j]];
                float b = logits[order[best]];
                if (a > b || (a == b && order[j] < order[best])) {
                    best = j;
                }
            }
            int t = order[i];
            order[i] = order[best];
            order[best] = t;
        }
    }
}
