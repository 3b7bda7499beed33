package io.codegenstreams.inference.internals.ort;

import ai.djl.Device;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.spi.BackendProvider;
import io.codegenstreams.inference.spi.DecoderBackend;

/** The default engine: DJL's OnnxRuntime on CPU. */
public final class OrtBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return EngineConfig.ONNX_RUNTIME;
    }

    @Override
    public void checkAvailable(EngineConfig config) {
        DjlRuntime.onnxRuntime();
    }

    @Override
    public DecoderBackend load(ModelSpec spec, EngineConfig config) throws ModelLoadException {
        try {
            return OrtDecoderBackend.load(spec, cpuOptions(config), Device.cpu());
        } catch (OrtException e) {
            throw new ModelLoadException("Model " + spec.name() + ": bad ONNX Runtime session options: " + e, e);
        }
    }

    /** Sequential execution, all graph optimizations, {@code intra.op.threads} (0 = half the available processors). */
    static OrtSession.SessionOptions cpuOptions(EngineConfig config) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        int threads = config.getInt(EngineConfig.INTRA_OP_THREADS);
        so.setIntraOpNumThreads(threads == 0 ? EngineConfig.defaultIntraOpThreads() : threads);
        so.setInterOpNumThreads(1);
        // Idle intra-op threads sleep instead of spinning: spinning takes whole cores from the stream threads and the
        // broker on small machines, which delays record processing far more than it speeds up a decode step.
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return so;
    }
}
