package io.codegenstreams.inference.spi;

/**
 * Lets the scheduler's watchdog terminate a running step from another thread. A backend registers how to
 * interrupt its work (ONNX Runtime: {@code RunOptions.setTerminate(true)}; a sleeping simulator: interrupt the
 * thread) before it starts blocking work, and throws {@link StepTerminatedException} when it was cancelled.
 */
public final class StepControl {
    private Runnable canceller;
    private boolean cancelled;

    /** Registers the interruption; runs it at once if the step was already cancelled. */
    public void onCancel(Runnable action) {
        boolean runNow;
        synchronized (this) {
            canceller = action;
            runNow = cancelled;
        }
        if (runNow) {
            action.run();
        }
    }

    /** Called by the watchdog when the step ran past {@code step.timeout.ms}. */
    public void cancel() {
        Runnable action;
        synchronized (this) {
            cancelled = true;
            action = canceller;
        }
        if (action != null) {
            action.run();
        }
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Clears the registered interruption (the backend calls it when its blocking work returned). */
    public synchronized void clear() {
        canceller = null;
    }
}
