package io.codegenstreams.inference.spi;

import java.util.List;

/**
 * The KV-cache state of one running batch. Owned by one scheduler thread: not thread-safe, except that the
 * {@link StepControl} passed to {@link #step} may be cancelled from another thread.
 *
 * <p>The contract that makes continuous batching cheap: when a step lists the same sequences as the previous
 * step, each one token longer, the backend feeds only the new tokens and reuses its cache. Sequences that join
 * are prefilled; sequences that are no longer listed are dropped (at once or lazily). After a failed step the
 * session's state is undefined until {@link #reset()}.
 */
public interface BatchSession extends AutoCloseable {

    /**
     * Computes next-token logits for every row.
     *
     * @return {@code float[rows.size()][vocabSize]}, row i for {@code rows.get(i)}
     * @throws StepTerminatedException if {@code control} was cancelled while the step ran
     * @throws BackendException        any other runtime failure (out of memory included)
     */
    float[][] step(List<? extends SequenceView> rows, StepControl control) throws BackendException;

    /**
     * Keeps the cached state of {@code s}, which leaves the batch for a while (paused or preempted) and may come back
     * at the same length: then it rejoins without a prefill. A session may drop parked state at any time (bounded
     * memory); the sequence is then prefilled when it returns. The default keeps nothing.
     */
    default void park(SequenceView s) {}

    /** Forgets every cached sequence; the next step prefills all its rows. */
    void reset();

    /** Bytes the backend holds for KV caches now (padding included). */
    long kvBytes();

    @Override
    void close();
}
