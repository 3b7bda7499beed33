package io.codegenstreams.inference.internals.scheduler;

import io.codegenstreams.inference.CompletionStatus;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.internals.engine.Listeners;
import io.codegenstreams.inference.spi.BackendException;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.StepControl;
import io.codegenstreams.inference.spi.StepTerminatedException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one decode step under a watchdog, and recovers from failures by splitting the batch:
 * <ul>
 *   <li><b>Time-out.</b> A step running past {@code step.timeout.ms} is terminated through its
 *   {@link StepControl}; its rows are retried once, in two halves; a half that times out again completes with
 *   TIMEOUT.</li>
 *   <li><b>Error (out of memory included).</b> The batch is bisected and each half retried, recursively, so a
 *   single poisonous request ends FAILED with the backend's reason while the others go on.</li>
 * </ul>
 * After a failure the session's KV caches are reset; rows that survive are prefilled again from their full
 * history (prompt + generated tokens), which gives the same next token as the lost cache would have.
 */
final class StepRunner {
    record Failure(CompletionStatus status, String reason) {
    }

    record Result(float[][] logits, Map<Sequence, Failure> failures) {
    }

    private final BatchSession session;
    private final ScheduledExecutorService watchdog;
    private final long timeoutMillis;
    private final Listeners listeners;
    private final String model;

    StepRunner(BatchSession session, ScheduledExecutorService watchdog, long timeoutMillis, Listeners listeners,
               String model) {
        this.session = session;
        this.watchdog = watchdog;
        this.timeoutMillis = timeoutMillis;
        this.listeners = listeners;
        this.model = model;
    }

    Result run(List<Sequence> rows) {
        float[][] out = new float[rows.size()][];
        Map<Sequence, Failure> failed = new HashMap<>();
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            all.add(i);
        }
        try {
            float[][] l = timed(rows);
            return new Result(l, failed);
        } catch (StepTerminatedException t) {
            failure(rows.size(), t);
            afterTimeout(rows, all, out, failed);
        } catch (BackendException e) {
            failure(rows.size(), e);
            bisect(rows, all, out, failed, e);
        }
        return new Result(out, failed);
    }

    private void failure(int size, BackendException e) {
        session.reset();
        listeners.onStepFailure(model, size, e.getMessage());
    }

    private float[][] timed(List<Sequence> rows) throws BackendException {
        StepControl control = new StepControl();
        ScheduledFuture<?> dog = watchdog.schedule(control::cancel, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            return session.step(rows, control);
        } catch (RuntimeException e) {
            throw new BackendException("backend threw " + e, e, false);
        } finally {
            dog.cancel(false);
        }
    }

    /** Rows of a timed-out step: one retry in smaller batches, then TIMEOUT. */
    private void afterTimeout(List<Sequence> rows, List<Integer> idx, float[][] out, Map<Sequence, Failure> failed) {
        for (List<Integer> group : halves(idx)) {
            try {
                fill(group, timed(select(rows, group)), out);
            } catch (StepTerminatedException t) {
                failure(group.size(), t);
                for (int i : group) {
                    failed.put(rows.get(i), new Failure(CompletionStatus.TIMEOUT, "decode step exceeded "
                            + EngineConfig.STEP_TIMEOUT_MS + "=" + timeoutMillis + " twice (batch then retry)"));
                }
            } catch (BackendException e) {
                failure(group.size(), e);
                bisect(rows, group, out, failed, e);
            }
        }
    }

    /** Rows of a failed step: bisect until the failing request is alone, which then fails with the reason. */
    private void bisect(List<Sequence> rows, List<Integer> idx, float[][] out, Map<Sequence, Failure> failed,
                        BackendException cause) {
        if (idx.size() == 1) {
            failed.put(rows.get(idx.get(0)), new Failure(CompletionStatus.FAILED, cause.getMessage()));
            return;
        }
        for (List<Integer> group : halves(idx)) {
            try {
                fill(group, timed(select(rows, group)), out);
            } catch (StepTerminatedException t) {
                failure(group.size(), t);
                afterTimeout(rows, group, out, failed);
            } catch (BackendException e) {
                failure(group.size(), e);
                bisect(rows, group, out, failed, e);
            }
        }
    }

    private static List<List<Integer>> halves(List<Integer> idx) {
        if (idx.size() == 1) {
            return List.of(idx);
        }
        int mid = idx.size() / 2;
        return List.of(idx.subList(0, mid), idx.subList(mid, idx.size()));
    }

    private static List<Sequence> select(List<Sequence> rows, List<Integer> idx) {
        List<Sequence> out = new ArrayList<>(idx.size());
        idx.forEach(i -> out.add(rows.get(i)));
        return out;
    }

    private static void fill(List<Integer> idx, float[][] logits, float[][] out) {
        for (int j = 0; j < idx.size(); j++) {
            out[idx.get(j)] = logits[j];
        }
    }
}
