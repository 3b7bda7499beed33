package io.codegenstreams.inference.internals.ort;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineUnavailableException;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.spi.BackendProvider;
import io.codegenstreams.inference.spi.DecoderBackend;

import java.io.File;
import java.util.EnumSet;

/**
 * {@code engine=TensorRT}: the same ONNX model through DJL's OnnxRuntime engine with ONNX Runtime's TensorRT
 * execution provider (CUDA for the nodes TensorRT does not take), so the KV-cache contract and the batch session
 * are shared with the CPU path. DJL's own TensorRT engine ({@code ai.djl.tensorrt}) builds fixed-shape engines
 * and cannot run a graph whose KV-cache axes change every step.
 *
 * <p>Optimization profiles cover batch 1..{@code batch.max.size} and sequence 1..context for every input; the
 * built engine plan and the timing cache are kept in {@code tensorrt.cache.dir}, so a restart reuses them.
 *
 * <p>Availability is checked without touching TensorRT: the GPU count first ({@link CudaUtils#getGpuCount()}),
 * then whether the ONNX Runtime build on the classpath has the TensorRT provider (the Maven Central
 * {@code onnxruntime} jar is CPU-only; {@code onnxruntime_gpu} plus TensorRT libraries are needed). On a machine
 * without GPU, touching TensorRT fails with {@code ExceptionInInitializerError} / {@code UnsatisfiedLinkError}
 * even though DJL's {@code Engine.hasEngine("TensorRT")} answers true when its jar is present.
 */
public final class TensorRtBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return EngineConfig.TENSOR_RT;
    }

    /** Why TensorRT cannot run here, or null if it can. */
    public static String unavailableReason() {
        int gpus;
        try {
            gpus = CudaUtils.getGpuCount();
        } catch (RuntimeException | LinkageError e) {
            return "CUDA is not usable here (" + e + ")";
        }
        if (gpus <= 0) {
            return "no CUDA GPU is visible (CudaUtils.getGpuCount() = 0)";
        }
        DjlRuntime.onnxRuntime();
        EnumSet<OrtProvider> providers;
        try {
            providers = OrtEnvironment.getAvailableProviders();
        } catch (RuntimeException | LinkageError e) {
            return "ONNX Runtime cannot list its execution providers (" + e + ")";
        }
        if (!providers.contains(OrtProvider.TENSOR_RT)) {
            return "the ONNX Runtime on the classpath has no TensorRT execution provider (available: " + providers
                    + "; use com.microsoft.onnxruntime:onnxruntime_gpu with the TensorRT libraries installed)";
        }
        return null;
    }

    @Override
    public void checkAvailable(EngineConfig config) {
        String reason = unavailableReason();
        if (reason != null) {
            throw new EngineUnavailableException(reason);
        }
    }

    @Override
    public DecoderBackend load(ModelSpec spec, EngineConfig config) throws ModelLoadException {
        ModelFiles.Descriptor d = ModelFiles.resolve(spec);
        try {
            OrtSession.SessionOptions so = OrtBackendProvider.cpuOptions(config);
            OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(0);
            File cache = new File(config.getString(EngineConfig.TENSORRT_CACHE_DIR), spec.name());
            if (!cache.isDirectory() && !cache.mkdirs()) {
                throw new ModelLoadException("cannot create " + cache + " (set " + EngineConfig.TENSORRT_CACHE_DIR + ")");
            }
            trt.add("trt_engine_cache_enable", "1");
            trt.add("trt_engine_cache_path", cache.getAbsolutePath());
            trt.add("trt_timing_cache_enable", "1");
            trt.add("trt_timing_cache_path", cache.getAbsolutePath());
            int b = config.getInt(EngineConfig.BATCH_MAX_SIZE);
            int ctx = d.info().contextLength();
            trt.add("trt_profile_min_shapes", profile(d, 1, 1, 1, 0));
            trt.add("trt_profile_opt_shapes", profile(d, Math.max(1, b / 2), 1, ctx / 2, ctx / 2));
            trt.add("trt_profile_max_shapes", profile(d, b, ctx, ctx + 1, ctx));
            so.addTensorrt(trt);
            so.addCUDA(0);
            return OrtDecoderBackend.load(spec, so, Device.cpu());
        } catch (OrtException e) {
            throw new ModelLoadException("Model " + spec.name() + ": TensorRT provider options rejected: " + e, e);
        }
    }

    /** One optimization-profile shape string over all inputs of the ONNX contract. */
    static String profile(ModelFiles.Descriptor d, int batch, int seq, int total, int past) {
        StringBuilder s = new StringBuilder("input_ids:" + batch + "x" + seq + ",position_ids:" + batch + "x" + seq
                + ",attention_mask:" + batch + "x" + total);
        for (String name : GraphContract.pastNames(d.layout(), d.layers())) {
            s.append(',').append(name).append(':').append(batch).append('x').append(d.kvHeads()).append('x').append(past)
                    .append('x').append(d.headDim());
        }
        return s.toString();
    }
}
