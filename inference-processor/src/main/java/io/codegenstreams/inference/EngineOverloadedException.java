package io.codegenstreams.inference;

/** The engine cannot take the request now; {@link #reason()} says why. Thrown at once by submit. Retriable. */
public class EngineOverloadedException extends RetriableInferenceException {

    /** Why a request was refused. */
    public enum Reason {
        /** The priority lane's bounded queue for the model is full. */
        QUEUE_FULL,
        /** The pre-processing pool's backlog is full. */
        BACKLOG_FULL,
        /** The model is being evicted from memory; submitting again loads it anew. */
        MODEL_UNLOADING
    }

    private final Reason reason;

    public EngineOverloadedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
