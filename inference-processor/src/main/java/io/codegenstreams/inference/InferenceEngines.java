package io.codegenstreams.inference;

import io.codegenstreams.inference.internals.engine.DefaultInferenceEngine;
import io.codegenstreams.inference.internals.ort.DjlRuntime;
import io.codegenstreams.inference.spi.BackendProvider;

import java.util.List;

/** Creates engines. Start-up loads and warms up the default model in the background; see {@link InferenceEngine#whenReady()}. */
public final class InferenceEngines {
    private InferenceEngines() {
    }

    /**
     * @throws EngineUnavailableException if a configured engine cannot run here and {@code engine.fallback=false}
     * @throws ConfigException            for an invalid setting
     */
    public static InferenceEngine create(EngineConfig config) {
        return create(config, List.of());
    }

    /** With extra backend providers (e.g. a simulated GPU backend), resolved before ServiceLoader ones. */
    public static InferenceEngine create(EngineConfig config, List<BackendProvider> providers) {
        return create(config, providers, System::nanoTime);
    }

    /**
     * With the schedulers' clock given (nanoseconds, like {@link System#nanoTime()}): tests pass a clock they
     * advance, so decisions that depend on elapsed time (aging, batch waits, deadlines) do not depend on how fast
     * the machine is. Decode-step timeouts keep real time.
     */
    public static InferenceEngine create(EngineConfig config, List<BackendProvider> providers,
                                         java.util.function.LongSupplier clock) {
        DjlRuntime.configureOffline();
        return new DefaultInferenceEngine(config, providers, clock);
    }
}
