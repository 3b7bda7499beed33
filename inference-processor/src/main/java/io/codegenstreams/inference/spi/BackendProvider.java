package io.codegenstreams.inference.spi;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineUnavailableException;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;

/**
 * Creates {@link DecoderBackend}s for one runtime engine, selected by the {@code engine} setting (or a model's
 * {@code model.<name>.engine}) through {@link #name()}. Providers are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.codegenstreams.inference.spi.BackendProvider}) or passed explicitly to
 * {@link io.codegenstreams.inference.InferenceEngines#create(EngineConfig, java.util.List)}.
 */
public interface BackendProvider {
    /** Engine name as written in configuration, e.g. {@code OnnxRuntime}. Case-insensitive match. */
    String name();

    /**
     * Checks, without side effects that could crash the JVM, that this engine can run here.
     *
     * @throws EngineUnavailableException with a message naming what is missing
     */
    void checkAvailable(EngineConfig config);

    /** Loads a model. Called at most once at a time per model name. */
    DecoderBackend load(ModelSpec spec, EngineConfig config) throws ModelLoadException;
}
