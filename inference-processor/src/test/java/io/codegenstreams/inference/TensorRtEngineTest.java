package io.codegenstreams.inference;

import io.codegenstreams.inference.internals.ort.TensorRtBackendProvider;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** engine=TensorRT: runs on a GPU node; elsewhere checks the start-up failure and the fallback. */
class TensorRtEngineTest {
    static final String TINY = "java-coder-tiny";
    static final String UNAVAILABLE = TensorRtBackendProvider.unavailableReason();

    static EngineConfig config(boolean fallback) {
        return new EngineConfig(Map.of(EngineConfig.ENGINE, EngineConfig.TENSOR_RT, EngineConfig.ENGINE_FALLBACK,
                fallback, EngineConfig.MODELS, TINY, EngineConfig.DEFAULT_MODEL, TINY,
                EngineConfig.WARMUP_BATCH_SIZES, "1,4", EngineConfig.INTRA_OP_THREADS, 1));
    }

    @Test
    void shouldGenerateSameGreedyTextAsCpuWhenGpuWithTensorRtIsPresent() throws Exception {
        assumeTrue(UNAVAILABLE == null, () -> "TensorRT cannot run here: " + UNAVAILABLE);
        GenerationRequest r = GenerationRequest.greedy("g", "public static void main(String[] args) {", 32);
        String gpu;
        try (InferenceEngine e = InferenceEngines.create(config(false))) {
            e.whenReady().get(10, TimeUnit.MINUTES); // first start builds the engine plan into tensorrt.cache.dir
            gpu = e.submit(r).get(60, TimeUnit.SECONDS).text();
        }
        try (InferenceEngine e = InferenceEngines.create(config(false).with(Map.of(EngineConfig.ENGINE,
                EngineConfig.ONNX_RUNTIME)))) {
            e.whenReady().get(2, TimeUnit.MINUTES);
            assertThat(e.submit(r).get(60, TimeUnit.SECONDS).text()).isEqualTo(gpu);
        }
    }

    @Test
    void shouldFailAtStartNamingEngineSettingWhenTensorRtIsUnavailable() {
        assumeTrue(UNAVAILABLE != null, "TensorRT is available on this machine");
        assertThatThrownBy(() -> InferenceEngines.create(config(false)))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("'engine'")
                .hasMessageContaining("engine.fallback=true");
    }

    @Test
    void shouldServeWithOnnxRuntimeWhenTensorRtIsUnavailableAndFallbackIsOn() throws Exception {
        assumeTrue(UNAVAILABLE != null, "TensorRT is available on this machine");
        try (InferenceEngine e = InferenceEngines.create(config(true))) {
            e.whenReady().get(2, TimeUnit.MINUTES);
            Completion c = e.submit(GenerationRequest.greedy("f", "class A {", 4)).get(60, TimeUnit.SECONDS);
            assertThat(c.status()).isEqualTo(CompletionStatus.OK);
        }
    }
}
