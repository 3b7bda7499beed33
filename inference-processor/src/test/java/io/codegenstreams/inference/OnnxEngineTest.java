package io.codegenstreams.inference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** End to end through DJL / ONNX Runtime with the real java-coder-tiny model. */
class OnnxEngineTest {
    static final String TINY = "java-coder-tiny";
    static InferenceEngine engine;
    static final List<Long> loadNanos = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        engine = InferenceEngines.create(new EngineConfig(Map.of(EngineConfig.MODELS, TINY, EngineConfig.DEFAULT_MODEL,
                TINY, EngineConfig.INTRA_OP_THREADS, 2, EngineConfig.WARMUP_BATCH_SIZES, "1,4",
                EngineConfig.BATCH_MAX_SIZE, 8)));
        engine.addListener(new EngineListener() {
            @Override
            public void onModelLoaded(String model, String version, long load, long warmup) {
                loadNanos.add(load);
            }
        });
        engine.whenReady().get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Completion run(GenerationRequest r) throws Exception {
        return engine.submit(r).get(120, TimeUnit.SECONDS);
    }

    static final String[] PROMPTS = {
        "public int max(int a, int b) {",
        "import java.util.",
        "    for (int i = 0; i < n; i++) {\n        sum += ",
        "/** Returns the",
        "package java.lang;\n\npublic final class",
        "x",
    };

    @Test
    void shouldGenerateSameGreedyTextWhenRequestRunsInsideChangingBatch() throws Exception {
        int[] lengths = {40, 7, 25, 33, 12, 50};
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            alone.add(run(GenerationRequest.greedy("a" + i, PROMPTS[i], lengths[i])).text());
        }
        // a long request decodes first; the others join its running batch and leave it at different lengths
        CompletableFuture<Completion> anchor = engine.submit(GenerationRequest.greedy("anchor", PROMPTS[5], 200));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (engine.stats().inFlightSequences() == 0 && !anchor.isDone() && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            fs.add(engine.submit(GenerationRequest.greedy("b" + i, PROMPTS[i], lengths[i])));
        }
        assertThat(anchor.get(120, TimeUnit.SECONDS).status()).isEqualTo(CompletionStatus.OK);
        int maxBatch = 0;
        for (int i = 0; i < PROMPTS.length; i++) {
            Completion c = fs.get(i).get(120, TimeUnit.SECONDS);
            assertThat(c.status()).isEqualTo(CompletionStatus.OK);
            assertThat(c.text()).as("prompt %d", i).isEqualTo(alone.get(i));
            maxBatch = Math.max(maxBatch, c.batchSize());
        }
        assertThat(maxBatch).isGreaterThan(1);
    }

    @Test
    void shouldReproduceSampledTextWhenSeedIsGiven() throws Exception {
        GenerationRequest r = GenerationRequest.greedy("s", PROMPTS[0], 30).withSampling(0.9f, 40, 42L);
        Completion first = run(r);
        Completion second = run(r);
        Completion otherSeed = run(r.withSampling(0.9f, 40, 7L));
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(first.completionTokens()).isPositive();
        assertThat(otherSeed.text()).isNotEqualTo(first.text());
    }

    @Test
    void shouldReportModelVersionAndTokenCountsWhenCompleted() throws Exception {
        Completion c = run(GenerationRequest.greedy("v", PROMPTS[1], 16));
        assertThat(c.model()).isEqualTo(TINY);
        assertThat(c.modelVersion()).isNotBlank();
        assertThat(c.promptTokens()).isEqualTo(PROMPTS[1].length() + 1);
        assertThat(c.completionTokens() == 16 || c.finishReason() == FinishReason.STOP).isTrue();
        assertThat(engine.stats().tokensGenerated()).isPositive();
        assertThat(engine.isReady()).isTrue();
        assertThat(loadNanos).hasSize(1);
    }

    @Test
    void shouldKeepPromptEndWhenPromptExceedsContext() throws Exception {
        String longPrompt = "int x = 0;\n".repeat(60); // 660 bytes, context 256
        Completion c = run(GenerationRequest.greedy("long", longPrompt, 20));
        assertThat(c.promptTokens()).isEqualTo(256);
        assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.completionTokens()).isEqualTo(1);
    }
}
