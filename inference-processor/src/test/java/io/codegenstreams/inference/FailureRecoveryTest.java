package io.codegenstreams.inference;

import io.codegenstreams.inference.fake.FakeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.codegenstreams.inference.fake.FakeEngines.get;
import static io.codegenstreams.inference.fake.FakeEngines.req;
import static io.codegenstreams.inference.fake.FakeEngines.start;
import static org.assertj.core.api.Assertions.assertThat;

/** Batch splitting on engine errors and time-out interruption. */
class FailureRecoveryTest {
    private final FakeBackend fake = new FakeBackend();
    private InferenceEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private List<CompletableFuture<Completion>> submitBatch(List<String> prompts) {
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (String p : prompts) {
            fs.add(engine.submit(req(p, Priority.NORMAL, 6)));
        }
        return fs;
    }

    @Test
    void shouldIsolatePoisonousRequestAsFailedWhenBatchStepFails() throws Exception {
        // static batching with a long wait: the four requests run as one batch
        engine = start(fake, Map.of(EngineConfig.BATCHING_MODE, "static", EngineConfig.BATCH_MAX_SIZE, 4,
                EngineConfig.BATCH_MAX_WAIT_MS, 60_000));
        List<String> prompts = List.of("A", "B", "POISON", "D");
        List<CompletableFuture<Completion>> fs = submitBatch(prompts);
        for (int i = 0; i < prompts.size(); i++) {
            Completion c = get(fs.get(i));
            if (prompts.get(i).equals("POISON")) {
                assertThat(c.status()).isEqualTo(CompletionStatus.FAILED);
                assertThat(c.error()).contains("poisoned");
            } else {
                assertThat(c.status()).isEqualTo(CompletionStatus.OK);
                assertThat(c.text()).isEqualTo(FakeBackend.expectedText(prompts.get(i), 6));
            }
        }
        assertThat(fake.steps).filteredOn(st -> !st.contains("warmup")).first()
                .isEqualTo(List.of("A", "B", "POISON", "D"));
        assertThat(engine.stats().failures()).isEqualTo(1);
    }

    @Test
    void shouldTerminateStepAndRetryOnceInSmallerBatchThenTimeOutWhenStepHangs() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCHING_MODE, "static", EngineConfig.BATCH_MAX_SIZE, 4,
                EngineConfig.BATCH_MAX_WAIT_MS, 60_000, EngineConfig.STEP_TIMEOUT_MS, 100));
        List<String> prompts = List.of("A", "B", "C", "HANG");
        List<CompletableFuture<Completion>> fs = submitBatch(prompts);
        // halves after the time-out: [A, B] complete; [C, HANG] times out again -> TIMEOUT
        assertThat(get(fs.get(0)).status()).isEqualTo(CompletionStatus.OK);
        assertThat(get(fs.get(1)).text()).isEqualTo(FakeBackend.expectedText("B", 6));
        for (int i = 2; i < 4; i++) {
            Completion c = get(fs.get(i));
            assertThat(c.status()).isEqualTo(CompletionStatus.TIMEOUT);
            assertThat(c.error()).contains("step.timeout.ms");
        }
        assertThat(fake.failedSteps.get()).isEqualTo(2); // the full batch, then the retried half: no more
    }
}
