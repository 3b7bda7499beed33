package io.codegenstreams.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.inference.internals.text.HfTextCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Models in the Hugging Face + Optimum ONNX layout (the fixtures of {@code training/hf_fixtures.py}: a GPT-2 and a
 * Llama-family model with grouped-query attention and RoPE) served through DJL / ONNX Runtime with their own
 * tokenizers, against the greedy tokens their PyTorch definition produced.
 */
class HfModelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> MODELS = List.of("gpt2-tiny", "llama-tiny");
    static InferenceEngine engine;
    static final Map<String, HfTextCodec> codecs = new HashMap<>();

    static Path fixture(String name) {
        try {
            return Path.of(HfModelTest.class.getClassLoader().getResource("hf-fixtures/" + name + "/config.json")
                    .toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode reference(String name) throws IOException {
        return JSON.readTree(fixture(name).resolve("reference.json").toFile());
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(EngineConfig.MODELS, String.join(",", MODELS) + ",java-coder-tiny");
        props.put(EngineConfig.DEFAULT_MODEL, "gpt2-tiny");
        props.put(EngineConfig.PRELOAD_MODELS, "llama-tiny");
        props.put(EngineConfig.INTRA_OP_THREADS, 2);
        props.put(EngineConfig.WARMUP_BATCH_SIZES, "1,4");
        props.put(EngineConfig.BATCH_MAX_SIZE, 8);
        for (String m : MODELS) {
            props.put("model." + m + ".location", fixture(m).toString());
            Set<Integer> eos = new HashSet<>();
            reference(m).get("eos_token_ids").forEach(n -> eos.add(n.asInt()));
            codecs.put(m, HfTextCodec.load(m, fixture(m), eos, "auto", "test"));
        }
        engine = InferenceEngines.create(new EngineConfig(props));
        engine.whenReady().get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        engine.close();
        codecs.values().forEach(HfTextCodec::close);
    }

    static int[] ids(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** The text the reference tokens decode to, without a final end-of-text token. */
    static String expectedText(String model, JsonNode c) {
        int[] g = ids(c.get("greedy_ids"));
        int end = g.length > 0 && codecs.get(model).endsGeneration(g[g.length - 1]) ? g.length - 1 : g.length;
        return codecs.get(model).decode(g, 0, end);
    }

    /** The prompt cases, then the fill-in-the-middle cases. */
    static List<JsonNode> allCases(JsonNode ref) {
        List<JsonNode> all = new ArrayList<>();
        ref.get("cases").forEach(all::add);
        ref.get("fim").forEach(all::add);
        return all;
    }

    static void assertReferenceText(String model, int i, JsonNode c, Completion done) {
        assertThat(done.status()).as(done.error()).isEqualTo(CompletionStatus.OK);
        assertThat(done.text()).as("case %d", i).isEqualTo(expectedText(model, c));
    }

    static GenerationRequest request(String model, String id, JsonNode c, int maxNew) {
        GenerationRequest r = c.has("suffix")
                ? GenerationRequest.greedy(id, c.get("prefix").asText(), maxNew).withSuffix(c.get("suffix").asText())
                : GenerationRequest.greedy(id, c.get("prompt").asText(), maxNew);
        return r.withModel(model);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void shouldTokenizePromptsLikeTheReferenceWhenUsingTheModelsTokenizerJson(String model) throws Exception {
        JsonNode ref = reference(model);
        for (JsonNode c : ref.get("cases")) {
            assertThat(codecs.get(model).encode(c.get("prompt").asText(), null, 10_000))
                    .as(c.get("prompt").asText()).containsExactly(ids(c.get("prompt_ids")));
        }
        for (JsonNode c : ref.get("fim")) {
            assertThat(codecs.get(model).encode(c.get("prefix").asText(), c.get("suffix").asText(), 10_000))
                    .containsExactly(ids(c.get("prompt_ids")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void shouldMatchPyTorchGreedyTokensWhenEachRequestRunsAlone(String model) throws Exception {
        JsonNode ref = reference(model);
        int n = ref.get("greedy_tokens").asInt();
        List<JsonNode> all = allCases(ref);
        for (int i = 0; i < all.size(); i++) {
            JsonNode c = all.get(i);
            Completion done = engine.submit(request(model, model + "-alone-" + i, c, n)).get(120, TimeUnit.SECONDS);
            assertReferenceText(model, i, c, done);
            assertThat(done.completionTokens()).as("case %d", i).isEqualTo(c.get("greedy_ids").size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void shouldMatchPyTorchGreedyTokensWhenRequestsShareALeftPaddedBatch(String model) throws Exception {
        JsonNode ref = reference(model);
        int n = ref.get("greedy_tokens").asInt();
        List<JsonNode> all = allCases(ref);
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            fs.add(engine.submit(request(model, model + "-batch-" + i, all.get(i), n)));
        }
        int maxBatch = 0;
        for (int i = 0; i < all.size(); i++) {
            Completion done = fs.get(i).get(120, TimeUnit.SECONDS);
            assertReferenceText(model, i, all.get(i), done);
            maxBatch = Math.max(maxBatch, done.batchSize());
        }
        assertThat(maxBatch).as("rows shared a batch").isGreaterThan(1);
    }

    @Test
    void shouldRoundTripNonAsciiSourceWhenEncodedAndDecoded() {
        String source = "class Grüße {\n  // 世界 — naïve café 🚀\n  String s = \"\\u00e9\";\n}\n";
        for (HfTextCodec codec : codecs.values()) {
            int[] t = codec.encode(source, null, 10_000);
            assertThat(codec.decode(t, 0, t.length)).isEqualTo(source);
        }
    }

    @Test
    void shouldDetectTheFimTemplateWhenTheTokenizerHasItsTokens() {
        assertThat(codecs.get("gpt2-tiny").infillTemplate()).isEqualTo("starcoder");
        assertThat(codecs.get("llama-tiny").infillTemplate()).isEqualTo("qwen");
    }

    @Test
    void shouldKeepTheEndOfThePrefixAndTheStartOfTheSuffixWhenTheFimPromptIsTruncated() {
        HfTextCodec codec = codecs.get("llama-tiny");
        String prefix = "int a = 1;\n".repeat(40) + "int last = ";
        String suffix = ";\nint next = 2;\n" + "int z = 0;\n".repeat(40);
        int[] full = codec.encode(prefix, suffix, 100_000);
        int[] cut = codec.encode(prefix, suffix, 60);
        assertThat(cut).hasSizeLessThanOrEqualTo(60).hasSizeLessThan(full.length);
        int[] pre = codec.encode("int last = ", null, 1000);
        int[] suf = codec.encode(";\nint next = 2;\n", null, 1000);
        String decoded = codec.decode(cut, 0, cut.length);
        // special tokens are skipped by decode: what is left is the kept end of the prefix then the kept start of the suffix
        assertThat(decoded).contains(codec.decode(pre, 1, pre.length) + codec.decode(suf, 1, suf.length));
    }

    @Test
    void shouldRejectASuffixWhenTheModelHasNoFimTokens() throws Exception {
        Completion c = engine.submit(GenerationRequest.greedy("no-fim", "int x = ", 4).withSuffix(";")
                .withModel("java-coder-tiny")).get(120, TimeUnit.SECONDS);
        assertThat(c.status()).isEqualTo(CompletionStatus.REJECTED);
        assertThat(c.error()).contains("java-coder-tiny").contains("fill-in-the-middle");
    }

    @Test
    void shouldStopAtAStopSequenceInsideATokenWhenTheTokenizerMergesIt() throws Exception {
        JsonNode c = reference("llama-tiny").get("cases").get(0);
        String full = expectedText("llama-tiny", c);
        String stop = full.substring(Math.min(3, full.length() - 1), Math.min(5, full.length()));
        Completion done = engine.submit(request("llama-tiny", "stop", c, 24).withStop(List.of(stop)))
                .get(120, TimeUnit.SECONDS);
        assertThat(done.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(done.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
    }

    @Test
    void shouldNameTheMissingFileAndTheSettingWhenADirectoryIsNotAModel(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Files.copy(fixture("gpt2-tiny").resolve("config.json"), dir.resolve("config.json"));
        Files.copy(fixture("gpt2-tiny").resolve("model.onnx"), dir.resolve("model.onnx"));
        EngineConfig config = new EngineConfig(Map.of(EngineConfig.MODELS, "mine", EngineConfig.DEFAULT_MODEL, "mine",
                "model.mine.location", dir.toString()));
        try (InferenceEngine e = InferenceEngines.create(config)) {
            assertThatThrownBy(() -> e.whenReady().get(60, TimeUnit.SECONDS))
                    .hasMessageContaining("tokenizer.json").hasMessageContaining("model.mine.location");
        }
    }
}
