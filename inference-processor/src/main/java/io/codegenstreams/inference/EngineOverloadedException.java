package io.codegenstreams.inference;

/** A bounded queue (a priority lane, or the pre-processing pool) is full. Thrown at once by submit. */
public class EngineOverloadedException extends RetriableInferenceException {
    public EngineOverloadedException(String message) {
        super(message);
    }
}
