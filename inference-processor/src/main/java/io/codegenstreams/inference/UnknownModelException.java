package io.codegenstreams.inference;

/** The request names a model that is not declared in the {@code models} setting. */
public class UnknownModelException extends FatalInferenceException {
    public UnknownModelException(String message) {
        super(message);
    }
}
