package io.codegenstreams.inference;

/**
 * Observability hooks. Called synchronously from engine threads (the decode thread for {@link #onBatchStep}):
 * implementations must be cheap and must not block (increment a counter, record into a histogram).
 * All methods have empty defaults.
 */
public interface EngineListener {
    /** One decode step ran: {@code batchSize} sequences, {@code newTokens} generated, {@code prefillTokens} prompt tokens. */
    default void onBatchStep(String model, int batchSize, int newTokens, int prefillTokens, long nanos) {
    }

    /** A request completed (any status). */
    default void onCompletion(Completion completion) {
    }

    /** A model finished loading ({@code loadNanos}) and warming up ({@code warmupNanos}). */
    default void onModelLoaded(String model, String version, long loadNanos, long warmupNanos) {
    }

    /** A model was evicted from the cache to make room or on close. */
    default void onModelEvicted(String model, String reason) {
    }

    /** A request was rejected at submit because a bounded queue was full. */
    default void onRejected(String model, Priority priority, String reason) {
    }

    /** A request completed with TIMEOUT ({@code whileWaiting}: it never ran). */
    default void onTimeout(String model, Priority priority, boolean whileWaiting) {
    }

    /** A decode step failed and its batch was split and retried. */
    default void onStepFailure(String model, int batchSize, String reason) {
    }
}
