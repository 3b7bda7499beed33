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

/** {@link InferenceEngine#submit(GenerationRequest, TextStream)} over the deterministic fake backend. */
class StreamingTest {
    private final FakeBackend fake = new FakeBackend(256);
    private InferenceEngine engine;

    @AfterEach
    void close() {
        fake.open();
        if (engine != null) {
            engine.close();
        }
    }

    /** Records every call; the engine promises they never overlap for one request. */
    private static final class Recorder implements TextStream {
        record Call(int sequence, String delta, int tokens, boolean last) {}

        final List<Call> calls = new ArrayList<>();

        @Override
        public synchronized void onText(int sequence, String delta, int tokens, boolean last) {
            calls.add(new Call(sequence, delta, tokens, last));
        }

        synchronized String text() {
            StringBuilder b = new StringBuilder();
            calls.forEach(c -> b.append(c.delta()));
            return b.toString();
        }
    }

    @Test
    void shouldStreamChunksWhoseConcatenationIsTheCompletionWhenARequestAsksForIt() throws Exception {
        engine = start(fake, Map.of(EngineConfig.STREAM_CHUNK_TOKENS, 5));
        Recorder stream = new Recorder();

        Completion c = get(engine.submit(req("STREAMED", Priority.NORMAL, 23), stream));

        assertThat(c.status()).isEqualTo(CompletionStatus.OK);
        assertThat(stream.text()).isEqualTo(c.text());
        assertThat(stream.calls).extracting(Recorder.Call::sequence)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, stream.calls.size()).boxed().toList());
        assertThat(stream.calls.get(0).tokens()).as("the first chunk comes after the first token").isEqualTo(1);
        assertThat(stream.calls).filteredOn(call -> !call.last()).extracting(Recorder.Call::tokens)
                .containsExactly(1, 6, 11, 16, 21);
        assertThat(stream.calls.get(stream.calls.size() - 1)).satisfies(last -> {
            assertThat(last.last()).isTrue();
            assertThat(last.tokens()).isEqualTo(23);
        });
    }

    @Test
    void shouldNeverStreamTextThatTheStopSequenceCutsWhenTheStopSpansChunks() throws Exception {
        engine = start(fake, Map.of(EngineConfig.STREAM_CHUNK_TOKENS, 1));
        String full = get(engine.submit(req("STOPPY", Priority.NORMAL, 40))).text();
        String stop = full.substring(20, 24); // four characters in the middle: they arrive over four chunks
        Recorder stream = new Recorder();

        Completion c = get(engine.submit(new GenerationRequest("STOPPY", "STOPPY", null, Priority.NORMAL, 40, 0f, 0,
                List.of(stop), null, null), stream));

        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(c.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(stream.text()).isEqualTo(c.text());
        StringBuilder before = new StringBuilder();
        for (Recorder.Call call : stream.calls) {
            before.append(call.delta());
            assertThat(c.text()).as("streamed so far").startsWith(before.toString());
        }
    }

    @Test
    void shouldEndTheStreamWithTheTextSoFarWhenAStreamingRequestIsCancelled() throws Exception {
        engine = start(fake, Map.of(EngineConfig.STREAM_CHUNK_TOKENS, 2));
        fake.hold();
        Recorder stream = new Recorder();
        CompletableFuture<Completion> f = engine.submit(req("LONG", Priority.NORMAL, 200), stream);
        fake.awaitHeld();
        for (int i = 0; i < 6; i++) {
            int before = fake.steps.size();
            fake.allow(1);
            fake.awaitSteps(before + 1);
        }

        engine.cancel("LONG");
        fake.allow(1);

        Completion c = get(f);
        assertThat(c.status()).isEqualTo(CompletionStatus.CANCELLED);
        assertThat(c.text()).isNotEmpty();
        assertThat(stream.text()).isEqualTo(c.text());
        assertThat(stream.calls.get(stream.calls.size() - 1).last()).isTrue();
    }

    @Test
    void shouldCallTheStreamOnceWithTheWholeTextWhenTheEngineCannotStream() throws Exception {
        engine = start(fake, Map.of());
        InferenceEngine plain = new InferenceEngine() {
            @Override
            public CompletableFuture<Completion> submit(GenerationRequest request) {
                return engine.submit(request);
            }

            @Override
            public boolean cancel(String requestId) {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public CompletableFuture<Void> whenReady() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public EngineStats stats() {
                return engine.stats();
            }

            @Override
            public void addListener(EngineListener listener) {
            }

            @Override
            public void close() {
            }
        };
        Recorder stream = new Recorder();

        Completion c = get(plain.submit(req("PLAIN", Priority.NORMAL, 9), stream));

        assertThat(stream.calls).singleElement().satisfies(call -> {
            assertThat(call.delta()).isEqualTo(c.text());
            assertThat(call.last()).isTrue();
        });
    }
}
