package io.codegenstreams.inference.spi;

/** A decode step failed. The scheduler splits the batch and retries to isolate the cause. */
public class BackendException extends Exception {
    private final boolean outOfMemory;

    public BackendException(String message, Throwable cause, boolean outOfMemory) {
        super(message, cause);
        this.outOfMemory = outOfMemory;
    }

    public BackendException(String message) {
        this(message, null, false);
    }

    public boolean isOutOfMemory() {
        return outOfMemory;
    }
}
