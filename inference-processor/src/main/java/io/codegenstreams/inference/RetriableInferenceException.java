package io.codegenstreams.inference;

/** The same call may succeed later (back off and retry, or report REJECTED). */
public abstract class RetriableInferenceException extends InferenceException {
    protected RetriableInferenceException(String message) {
        super(message);
    }

    protected RetriableInferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetriable() {
        return true;
    }
}
