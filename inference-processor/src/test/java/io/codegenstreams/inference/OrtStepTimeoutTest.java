package io.codegenstreams.inference;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real ONNX Runtime run terminated by {@code step.timeout.ms}: a static batch of 32 long prompts (a prefill of
 * about 7,700 tokens, ~200 ms on 2 cores with java-coder-3m) against a 30 ms step limit. The run is terminated
 * through {@code RunOptions.setTerminate}, retried once in two halves (still too long), and every request
 * completes TIMEOUT naming the setting; the engine then serves a short request normally.
 */
class OrtStepTimeoutTest {
    static final String MODEL = "java-coder-3m";

    @Test
    void shouldTerminateRealRunAndCompleteTimeoutWhenStepExceedsStepTimeout() throws Exception {
        AtomicInteger stepFailures = new AtomicInteger();
        try (InferenceEngine engine = InferenceEngines.create(new EngineConfig(Map.of(EngineConfig.MODELS, MODEL,
                EngineConfig.DEFAULT_MODEL, MODEL, EngineConfig.INTRA_OP_THREADS, 2,
                EngineConfig.BATCHING_MODE, EngineConfig.STATIC, EngineConfig.BATCHING_ADAPTIVE, false,
                EngineConfig.BATCH_MAX_SIZE, 32, EngineConfig.BATCH_MAX_WAIT_MS, 5_000,
                EngineConfig.WARMUP_BATCH_SIZES, "1", EngineConfig.WARMUP_STEPS, 1,
                EngineConfig.STEP_TIMEOUT_MS, 30)))) {
            engine.addListener(new EngineListener() {
                @Override
                public void onStepFailure(String model, int batchSize, String reason) {
                    stepFailures.incrementAndGet();
                }
            });
            engine.whenReady().get(120, TimeUnit.SECONDS);
            String prompt = "    public static int[] copyOf(int[] original, int newLength) {\n".repeat(4).substring(0, 240);
            List<CompletableFuture<Completion>> fs = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 32; i++) {
                fs.add(engine.submit(GenerationRequest.greedy("long-" + i, prompt, 8)));
            }
            for (CompletableFuture<Completion> f : fs) {
                Completion c = f.get(60, TimeUnit.SECONDS);
                assertThat(c.status()).isEqualTo(CompletionStatus.TIMEOUT);
                assertThat(c.error()).contains(EngineConfig.STEP_TIMEOUT_MS);
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("OrtStepTimeoutTest: 32 requests completed TIMEOUT in " + elapsedMs + " ms");
            assertThat(stepFailures.get()).as("the batch, then its two halves").isGreaterThanOrEqualTo(3);
            assertThat(elapsedMs).as("three runs terminated after ~30 ms each (179 ms measured here)").isLessThan(2_000);

            Completion shortOne = engine.submit(GenerationRequest.greedy("short", "x", 4)).get(60, TimeUnit.SECONDS);
            assertThat(shortOne.status()).isEqualTo(CompletionStatus.OK);
        }
    }
}
