package io.codegenstreams.inference.internals.scheduler;

/**
 * Adaptive batch-size cap and batch wait (Clipper-style AIMD), used when {@code batching.adaptive=true}.
 *
 * <p><b>Cap (AIMD).</b> The cap starts at {@code min(8, batch.max.size)}. After every decode step of {@code n}
 * sequences that took {@code d}:
 * <ul>
 *   <li>if {@code d > latency.target.ms}: multiplicative decrease, {@code cap = max(1, floor(0.8 * n))};</li>
 *   <li>else if the step was full ({@code n >= cap}) and requests are waiting: additive increase,
 *   {@code cap = min(batch.max.size, cap + 1)};</li>
 *   <li>else unchanged.</li>
 * </ul>
 * So the batch grows while steps stay under the target and there is demand, and backs off quickly when a step
 * is too slow (a longer step delays every sequence in the batch by the same amount).
 *
 * <p><b>Wait.</b> Static batching (and nothing else: continuous batching never waits, a request arriving during
 * a step joins at the next one) starts a batch when {@code cap} requests wait, or when the oldest has waited
 * {@code wait}, where {@code wait = min(batch.max.wait.ms, (cap - queued) / arrivalRate)}: with the arrival rate
 * measured as an exponentially weighted moving average, there is no point waiting longer than the time the
 * batch takes to fill, and no point waiting at all once it is full. Without adaptation: cap =
 * {@code batch.max.size}, wait = {@code batch.max.wait.ms}.
 */
final class AdaptiveBatchPolicy {
    private static final double DECREASE = 0.8;
    private static final double RATE_ALPHA = 0.2;

    private final boolean adaptive;
    private final int maxSize;
    private final long targetNanos;
    private final long maxWaitNanos;
    private volatile int cap;
    private double arrivalsPerNano; // EWMA of the arrival rate
    private long lastArrival;

    AdaptiveBatchPolicy(boolean adaptive, int maxSize, long targetMillis, long maxWaitMillis) {
        this.adaptive = adaptive;
        this.maxSize = maxSize;
        this.targetNanos = targetMillis * 1_000_000L;
        this.maxWaitNanos = maxWaitMillis * 1_000_000L;
        this.cap = adaptive ? Math.min(8, maxSize) : maxSize;
    }

    int cap() {
        return cap;
    }

    /** Records a step of {@code n} sequences lasting {@code nanos} while {@code queued} requests waited. */
    void onStep(int n, long nanos, int queued) {
        if (!adaptive || n == 0) {
            return;
        }
        if (nanos > targetNanos) {
            cap = Math.max(1, (int) Math.floor(DECREASE * n));
        } else if (n >= cap && queued > 0) {
            cap = Math.min(maxSize, cap + 1);
        }
    }

    /** Records one arrival (caller holds the scheduler lock). */
    void onArrival(long now) {
        if (lastArrival != 0) {
            double gap = Math.max(1, now - lastArrival);
            double rate = 1.0 / gap;
            arrivalsPerNano = arrivalsPerNano == 0 ? rate : RATE_ALPHA * rate + (1 - RATE_ALPHA) * arrivalsPerNano;
        }
        lastArrival = now;
    }

    /** How long a static batch with {@code queued} waiting requests should still wait for more. */
    long waitNanos(int queued) {
        if (queued >= cap) {
            return 0;
        }
        if (!adaptive || arrivalsPerNano == 0) {
            return maxWaitNanos;
        }
        double fill = (cap - queued) / arrivalsPerNano;
        return (long) Math.min(maxWaitNanos, fill);
    }
}
