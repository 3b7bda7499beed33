package io.codegenstreams.inference;

/** Retrying the same call will not help; the configuration or the request must change. */
public abstract class FatalInferenceException extends InferenceException {
    protected FatalInferenceException(String message) {
        super(message);
    }

    protected FatalInferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetriable() {
        return false;
    }
}
