package io.codegenstreams.inference;

/** The configured runtime engine cannot run here (e.g. TensorRT without a GPU), or the engine is closed. */
public class EngineUnavailableException extends FatalInferenceException {
    public EngineUnavailableException(String message) {
        super(message);
    }

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
