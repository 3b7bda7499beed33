package io.codegenstreams.inference.internals.scheduler;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.CompletionStatus;
import io.codegenstreams.inference.FinishReason;
import io.codegenstreams.inference.internals.engine.Counters;
import io.codegenstreams.inference.internals.engine.Listeners;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns a finished sequence into a {@link Completion} and completes its future on the post-processing pool
 * (detokenizing and the caller's callbacks stay off the decode thread). If the pool is saturated the work runs
 * on the calling thread: a completion is never dropped.
 */
public final class Finisher {
    private static final Logger LOG = LoggerFactory.getLogger(Finisher.class);
    private final Executor pool;
    private final Listeners listeners;
    private final Counters counters;

    public Finisher(Executor pool, Listeners listeners, Counters counters) {
        this.pool = pool;
        this.listeners = listeners;
        this.counters = counters;
    }

    /**
     * Hands the text generated so far to a streaming request's {@link TextStream}, on the pool. Whatever may still
     * become a stop sequence is held back, and so are trailing replacement characters (a multi-byte character whose
     * remaining bytes are still to come).
     */
    void partial(Sequence s) {
        int[] tokens = s.tokens(); // the row's array: later tokens are appended past `end`, never over it
        int from = s.promptLength();
        int end = s.length();
        Runnable work = () -> {
            String text = s.codec.decode(tokens, from, end);
            int safe = text.length();
            while (safe > 0 && text.charAt(safe - 1) == '\uFFFD') {
                safe--;
            }
            safe = Math.max(0, safe - s.stops.holdBackChars());
            synchronized (s.streamLock) {
                if (s.streamClosed || safe <= s.streamedChars) {
                    return; // a later chunk (or the completion) got there first
                }
                String delta = text.substring(s.streamedChars, safe);
                s.streamedChars = safe;
                deliver(s, delta, end - from, false);
            }
        };
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            // a saturated pool skips this chunk: the next one, or the completion, carries its text
        }
    }

    private static void lastPartial(Sequence s, String text, int generated) {
        synchronized (s.streamLock) {
            s.streamClosed = true;
            String delta = text.length() >= s.streamedChars ? text.substring(s.streamedChars) : "";
            deliver(s, delta, generated, true);
        }
    }

    private static void deliver(Sequence s, String delta, int tokens, boolean last) {
        try {
            s.stream.onText(s.streamSequence++, delta, tokens, last);
        } catch (RuntimeException e) {
            LOG.warn("the text stream of request {} failed; generation goes on", s.request.id(), e);
        }
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
            if (s.stream != null) {
                lastPartial(s, text, generated);
            }
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
