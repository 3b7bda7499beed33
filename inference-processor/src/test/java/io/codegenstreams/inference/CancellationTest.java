package io.codegenstreams.inference;

import io.codegenstreams.inference.fake.FakeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.codegenstreams.inference.fake.FakeEngines.awaitQueued;
import static io.codegenstreams.inference.fake.FakeEngines.get;
import static io.codegenstreams.inference.fake.FakeEngines.req;
import static io.codegenstreams.inference.fake.FakeEngines.start;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InferenceEngine#cancel}: the decode thread is held inside a step by the fake backend's gate, so which step a
 * cancelled sequence leaves at is decided by the test, not by the machine's speed.
 */
class CancellationTest {
    private final FakeBackend fake = new FakeBackend(256);
    private InferenceEngine engine;

    @AfterEach
    void close() {
        fake.open();
        if (engine != null) {
            engine.close();
        }
    }

    /** Lets the held decode thread finish its step and waits inside the next one: that step's rows. */
    private List<String> nextStep() throws InterruptedException {
        int before = fake.steps.size();
        fake.allow(1);
        fake.awaitSteps(before + 1);
        return List.copyOf(fake.steps.get(before));
    }

    @Test
    void shouldCompleteCancelledAtOnceWhenTheRequestIsStillWaiting() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 1));
        fake.hold();
        CompletableFuture<Completion> running = engine.submit(req("RUN", Priority.NORMAL, 100));
        fake.awaitHeld();
        CompletableFuture<Completion> waiting = engine.submit(req("WAIT", Priority.NORMAL, 100));
        awaitQueued(engine, 1);

        assertThat(engine.cancel("WAIT")).isTrue();

        Completion c = get(waiting);
        assertThat(c.status()).isEqualTo(CompletionStatus.CANCELLED);
        assertThat(c.text()).isEmpty();
        assertThat(c.completionTokens()).isZero();
        assertThat(engine.stats().queueDepth().values()).allMatch(n -> n == 0);
        assertThat(running).isNotDone();
    }

    @Test
    void shouldLeaveTheBatchAtTheNextStepWithItsTextWhenARunningRequestIsCancelled() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 2));
        fake.hold();
        CompletableFuture<Completion> cancelled = engine.submit(req("ONE", Priority.NORMAL, 100));
        CompletableFuture<Completion> kept = engine.submit(req("TWO", Priority.NORMAL, 5));
        fake.awaitHeld();
        while (!nextStep().containsAll(List.of("ONE", "TWO"))) {
            // until both rows decode together
        }
        nextStep();
        nextStep(); // ONE has generated at least two tokens; the decode thread is held in the next step

        assertThat(engine.cancel("ONE")).isTrue();
        List<String> after = nextStep();

        assertThat(after).as("the step after the cancel").containsExactly("TWO");
        Completion c = get(cancelled);
        assertThat(c.status()).isEqualTo(CompletionStatus.CANCELLED);
        assertThat(c.completionTokens()).isGreaterThanOrEqualTo(3);
        assertThat(c.text()).hasSize(c.completionTokens()).matches("[a-z]+");
        assertThat(c.finishReason()).isNull();
        fake.open();
        assertThat(get(kept).status()).isEqualTo(CompletionStatus.OK);
    }

    @Test
    void shouldGiveTheFreedSlotToAWaitingRequestWhenARunningOneIsCancelled() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 1));
        fake.hold();
        CompletableFuture<Completion> first = engine.submit(req("FIRST", Priority.NORMAL, 200));
        fake.awaitHeld();
        CompletableFuture<Completion> second = engine.submit(req("SECOND", Priority.NORMAL, 2));
        awaitQueued(engine, 1);
        assertThat(nextStep()).containsExactly("FIRST");

        engine.cancel("FIRST");

        assertThat(nextStep()).as("the cancelled row's slot goes to the waiting request").containsExactly("SECOND");
        assertThat(get(first).status()).isEqualTo(CompletionStatus.CANCELLED);
        assertThat(engine.stats().kvBytesInFlight()).as("only SECOND's KV stays reserved")
                .isLessThan(FakeBackend.KV_PER_TOKEN * 200);
        fake.open();
        assertThat(get(second).status()).isEqualTo(CompletionStatus.OK);
    }

    @Test
    void shouldReturnFalseWhenTheIdIsUnknownOrAlreadyFinished() throws Exception {
        engine = start(fake, Map.of());
        fake.open();
        Completion done = get(engine.submit(req("DONE", Priority.NORMAL, 2)));
        assertThat(done.status()).isEqualTo(CompletionStatus.OK);

        assertThat(engine.cancel("DONE")).isFalse();
        assertThat(engine.cancel("never-submitted")).isFalse();
    }
}
