package io.codegenstreams.inference;

/** A declared model could not be loaded or warmed up (missing files, bad ONNX, does not fit the memory budget). */
public class ModelLoadException extends FatalInferenceException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
