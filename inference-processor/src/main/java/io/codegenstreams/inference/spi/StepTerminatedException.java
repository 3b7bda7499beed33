package io.codegenstreams.inference.spi;

/** The step was terminated through its {@link StepControl} (it ran past {@code step.timeout.ms}). */
public class StepTerminatedException extends BackendException {
    public StepTerminatedException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
