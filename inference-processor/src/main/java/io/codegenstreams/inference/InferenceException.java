package io.codegenstreams.inference;

/**
 * Root of the engine's exceptions. Two branches: {@link RetriableInferenceException} (the same call may succeed
 * later, e.g. a full queue) and {@link FatalInferenceException} (retrying the same call will not help: bad
 * configuration, unknown model, model that cannot load, engine unavailable).
 */
public abstract class InferenceException extends RuntimeException {
    protected InferenceException(String message) {
        super(message);
    }

    protected InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True if the same request may succeed when retried later. */
    public abstract boolean isRetriable();
}
