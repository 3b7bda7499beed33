package io.codegenstreams.inference.internals.ort;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.internals.text.TokenRow;
import io.codegenstreams.inference.spi.ByteLevelCodec;
import io.codegenstreams.inference.internals.text.Sampler;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.StepControl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The real tiny model through DJL / ONNX Runtime: KV-cache reuse must not change greedy tokens. */
class OrtBatchSessionTest {
    static final String[] PROMPTS = {
        "public int max(int a, int b) {",
        "import java.util.",
        "    for (int i = 0; i < n; i++) {\n        sum += ",
        "/** Returns the",
        "x",
    };
    static DecoderBackend backend;

    @BeforeAll
    static void load() {
        EngineConfig config = new EngineConfig(Map.of(EngineConfig.MODELS, "java-coder-tiny",
                EngineConfig.DEFAULT_MODEL, "java-coder-tiny", EngineConfig.INTRA_OP_THREADS, 1));
        backend = new OrtBackendProvider().load(config.model("java-coder-tiny"), config);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    static int[] prompt(int i) {
        return new ByteLevelCodec(256, 256).encode(PROMPTS[i], null, 255);
    }

    static List<Integer> alone(int i, int steps) throws Exception {
        try (BatchSession s = backend.openSession()) {
            TokenRow seq = new TokenRow(i, prompt(i));
            List<Integer> out = new ArrayList<>();
            for (int k = 0; k < steps; k++) {
                int t = Sampler.argmax(s.step(List.of(seq), new StepControl())[0]);
                out.add(t);
                seq.append(t);
            }
            return out;
        }
    }

    /**
     * Greedy decoding of every prompt in one session: prompt i is in the batch from step {@code join[i]} until it
     * has {@code limit[i]} tokens. Returns the tokens of each.
     */
    static List<List<Integer>> staggered(int[] join, int[] limit, long idBase) throws Exception {
        List<List<Integer>> got = new ArrayList<>();
        List<TokenRow> seqs = new ArrayList<>();
        int last = 0;
        for (int i = 0; i < PROMPTS.length; i++) {
            got.add(new ArrayList<>());
            seqs.add(new TokenRow(idBase + i, prompt(i)));
            last = Math.max(last, join[i] + limit[i]);
        }
        try (BatchSession s = backend.openSession()) {
            for (int step = 0; step < last; step++) {
                List<TokenRow> rows = new ArrayList<>();
                List<Integer> which = new ArrayList<>();
                for (int i = 0; i < PROMPTS.length; i++) {
                    if (step >= join[i] && got.get(i).size() < limit[i]) {
                        rows.add(seqs.get(i));
                        which.add(i);
                    }
                }
                if (rows.isEmpty()) {
                    continue;
                }
                float[][] logits = s.step(rows, new StepControl());
                for (int r = 0; r < rows.size(); r++) {
                    int t = Sampler.argmax(logits[r]);
                    got.get(which.get(r)).add(t);
                    rows.get(r).append(t);
                }
                assertThat(s.kvBytes()).isPositive();
            }
        }
        return got;
    }

    @Test
    void shouldGenerateSameGreedyTokensWhenSequencesJoinAndLeaveAPaddedBatch() throws Exception {
        int steps = 24;
        // staggered joins: prompt i joins at step 3*i; prompt 1 stops early (leaves) after 6 tokens
        int[] limit = {steps, 6, steps, steps, steps};
        List<List<Integer>> got = staggered(new int[]{0, 3, 6, 9, 12}, limit, 100);
        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(got.get(i)).as("prompt %d", i).isEqualTo(alone(i, steps).subList(0, limit[i]));
        }
    }

    @Test
    void shouldGenerateSameGreedyTokensWhenManySequencesChurnThroughSlots() throws Exception {
        java.util.Random rnd = new java.util.Random(7);
        int n = 14;
        int[] start = new int[n];
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = rnd.nextInt(30);
            len[i] = 1 + rnd.nextInt(30);
        }
        List<TokenRow> seqs = new ArrayList<>();
        List<List<Integer>> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seqs.add(new TokenRow(500 + i, prompt(i % PROMPTS.length)));
            got.add(new ArrayList<>());
        }
        try (BatchSession s = backend.openSession()) {
            for (int step = 0; step < 70; step++) {
                List<TokenRow> rows = new ArrayList<>();
                List<Integer> which = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (step >= start[i] && got.get(i).size() < len[i]) {
                        rows.add(seqs.get(i));
                        which.add(i);
                    }
                }
                java.util.Collections.shuffle(rows, new java.util.Random(step)); // row order must not matter
                java.util.Collections.shuffle(which, new java.util.Random(step));
                if (rows.isEmpty()) {
                    continue;
                }
                float[][] logits = s.step(rows, new StepControl());
                for (int r = 0; r < rows.size(); r++) {
                    int t = Sampler.argmax(logits[r]);
                    got.get(which.get(r)).add(t);
                    rows.get(r).append(t);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(got.get(i)).as("sequence %d", i).isEqualTo(alone(i % PROMPTS.length, len[i]));
        }
    }

    /** Greedy tokens with no cache at all: every step prefills the whole history in a fresh session. */
    static List<Integer> withoutCache(int i, int steps) throws Exception {
        TokenRow seq = new TokenRow(i, prompt(i));
        List<Integer> out = new ArrayList<>();
        try (BatchSession s = backend.openSession()) {
            for (int k = 0; k < steps; k++) {
                s.reset();
                int t = Sampler.argmax(s.step(List.of(seq), new StepControl())[0]);
                out.add(t);
                seq.append(t);
            }
        }
        return out;
    }

    @Test
    void shouldMatchRecomputationWithoutCacheWhenBanksGrowPastTheirRoomAndJoinersFillLeftRows() throws Exception {
        int steps = 3 * OrtBatchSession.GROW + 5; // every bank outgrows its room several times
        int[] limit = {steps, 20, steps, steps - 40, 12};
        List<List<Integer>> got = staggered(new int[]{0, 1, 7, 40, 41}, limit, 900);
        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(got.get(i)).as("prompt %d", i).isEqualTo(withoutCache(i, limit[i]));
        }
    }

    @Test
    void shouldResumeWithoutPrefillAndSameTokensWhenParkedSequencesReturn() throws Exception {
        int steps = 40;
        List<TokenRow> seqs = new ArrayList<>();
        List<List<Integer>> got = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            seqs.add(new TokenRow(700 + i, prompt(i)));
            got.add(new ArrayList<>());
        }
        try (BatchSession s = backend.openSession()) {
            OrtBatchSession session = (OrtBatchSession) s;
            for (int step = 0; step < steps; step++) {
                if (step == 8 || step == 20) { // pause 1 and 3 (twice), as HIGH isolation does with LOW rows
                    s.park(seqs.get(1));
                    s.park(seqs.get(3));
                }
                boolean paused = (step >= 8 && step < 14) || (step >= 20 && step < 23);
                List<TokenRow> rows = new ArrayList<>();
                List<Integer> which = new ArrayList<>();
                for (int i = 0; i < PROMPTS.length; i++) {
                    if (!(paused && (i == 1 || i == 3))) {
                        rows.add(seqs.get(i));
                        which.add(i);
                    }
                }
                float[][] logits = s.step(rows, new StepControl());
                for (int r = 0; r < rows.size(); r++) {
                    int t = Sampler.argmax(logits[r]);
                    got.get(which.get(r)).add(t);
                    rows.get(r).append(t);
                }
                if (paused) {
                    assertThat(s.kvBytes()).as("parked rows are kept").isPositive();
                }
            }
            assertThat(session.prefilledRows()).as("only the first prefill of each prompt").isEqualTo(PROMPTS.length);
        }
        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(got.get(i)).as("prompt %d", i).isEqualTo(withoutCache(i, got.get(i).size()));
        }
        assertThat(got.get(1)).hasSize(steps - 9);
    }

    @Test
    void shouldReturnSameLogitsWhenStepRepeatedAfterReset() throws Exception {
        try (BatchSession s = backend.openSession()) {
            TokenRow seq = new TokenRow(1, prompt(0));
            float[] first = s.step(List.of(seq), new StepControl())[0];
            s.reset();
            float[] again = s.step(List.of(seq), new StepControl())[0];
            assertThat(again).containsExactly(first);
        }
    }
}
