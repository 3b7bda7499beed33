package io.codegenstreams.inference.internals.ort;

import ai.djl.engine.Engine;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineUnavailableException;

/**
 * DJL process settings and engine lookup. DJL must run offline: no model hub is reachable, and unless
 * tracking is opted out it calls a cloud metadata address at start. Engines are always named explicitly:
 * with the TensorRT jar on the classpath, DJL's default engine would be TensorRT.
 */
public final class DjlRuntime {
    private DjlRuntime() {
    }

    /** Sets {@code ai.djl.offline} and {@code OPT_OUT_TRACKING} unless the user set them. Idempotent. */
    public static synchronized void configureOffline() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /** DJL's ONNX Runtime engine, named explicitly. */
    public static Engine onnxRuntime() {
        configureOffline();
        try {
            return Engine.getEngine("OnnxRuntime");
        } catch (RuntimeException | LinkageError e) {
            throw new EngineUnavailableException("DJL engine OnnxRuntime cannot start (set '" + EngineConfig.ENGINE
                    + "' to another engine, or check ai.djl.onnxruntime:onnxruntime-engine on the classpath): " + e, e);
        }
    }
}
