package io.codegenstreams.inference.internals.scheduler;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.CompletionStatus;
import io.codegenstreams.inference.FinishReason;
import io.codegenstreams.inference.internals.engine.Counters;
import io.codegenstreams.inference.internals.engine.Listeners;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns a finished sequence into a {@link Completion} and completes its future on the post-processing pool
 * (detokenizing and the caller's callbacks stay off the decode thread). If the pool is saturated the work runs
 * on the calling thread: a completion is never dropped.
 */
public final class Finisher {
    private final Executor pool;
    private final Listeners listeners;
    private final Counters counters;

    public Finisher(Executor pool, Listeners listeners, Counters counters) {
        this.pool = pool;
        this.listeners = listeners;
        this.counters = counters;
    }

    /**
     * @param dropTail generated tokens at the end not to include in the text (the end-of-text token); a stop
     *                 sequence and what follows it are cut from the text
     */
    void finish(Sequence s, CompletionStatus status, FinishReason reason, String error, int dropTail, String version,
                long now) {
        if (s.future.isDone()) {
            return;
        }
        int promptLen = s.tokens() == null ? 0 : s.promptLength();
        int generated = s.tokens() == null ? 0 : s.generated();
        int[] tokens = s.tokens();
        int end = s.tokens() == null ? 0 : s.length() - dropTail;
        long queue = (s.firstStepNanos == 0 ? now : s.firstStepNanos) - s.submitNanos;
        long inference = s.firstStepNanos == 0 ? 0 : now - s.firstStepNanos;
        Runnable work = () -> {
            String text = tokens == null || s.codec == null ? "" : s.stops.cut(s.codec.decode(tokens, promptLen, end));
            Completion c = new Completion(s.request.id(), status, text, reason, error, s.model, version, promptLen,
                    generated, queue, inference, s.maxBatch);
            counters.completed.increment();
            if (status == CompletionStatus.TIMEOUT) {
                counters.timeouts.increment();
                listeners.onTimeout(s.model, s.priority(), s.firstStepNanos == 0);
            } else if (status == CompletionStatus.FAILED) {
                counters.failures.increment();
            }
            listeners.onCompletion(c);
            s.future.complete(c);
        };
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            work.run();
        }
    }
}
