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
 * <p><b>Wait.</b> Static batching starts a batch when {@code cap} requests wait, or when the oldest has waited
 * {@code wait}, where {@code wait = min(batch.max.wait.ms, (cap - queued) / arrivalRate)}: with the arrival rate
 * measured as an exponentially weighted moving average, there is no point waiting longer than the time the
 * batch takes to fill, and no point waiting at all once it is full. Without adaptation: cap =
 * {@code batch.max.size}, wait = {@code batch.max.wait.ms}.
 *
 * <p><b>Joining (continuous batching).</b> Waiting requests join a running batch ({@link #admitJoiners}) when
 * the batch is empty, when a HIGH request waits, when at least {@code g = max(1, cap / 4)} slots are free, or
 * when a slot is free, fewer than {@code g} requests wait and the oldest has waited {@code batch.max.wait.ms}.
 * So under load joiners come in groups that are prefilled together in one run every few steps (a prefill run has
 * a fixed cost: a few milliseconds on a GPU, a decode step's worth on a CPU), instead of one joiner and one extra
 * run at almost every step, which is what a backlog would otherwise cause (its oldest request has always waited
 * long enough); a lightly loaded batch (many free slots) still takes a new request at the very next step.
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

    /** Free slots a running batch needs before waiting NORMAL / LOW requests join it: {@code max(1, cap / 4)}. */
    int joinThreshold() {
        return Math.max(1, cap / 4);
    }

    /**
     * Continuous batching: whether waiting requests join the running batch before the next step.
     *
     * @param running          sequences in the batch
     * @param queued           requests waiting
     * @param oldestWaitedNanos how long the oldest waiting request has waited
     * @param highWaiting      whether a HIGH request waits (it joins, preempting if needed, at the next step)
     */
    boolean admitJoiners(int running, int queued, long oldestWaitedNanos, boolean highWaiting) {
        if (queued == 0) {
            return false;
        }
        if (running == 0 || highWaiting) {
            return true;
        }
        int free = cap - running;
        if (free >= joinThreshold()) {
            return true;
        }
        // Fewer free slots than a group: a request that has waited batch.max.wait.ms joins alone only when the
        // queue could not fill a group anyway. Under a backlog the oldest has always waited that long, and letting
        // it in at once would pay a prefill run for one joiner at nearly every step.
        return free > 0 && queued < joinThreshold() && oldestWaitedNanos >= maxWaitNanos;
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
