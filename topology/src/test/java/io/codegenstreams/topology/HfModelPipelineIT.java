package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.ResultStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model in the Hugging Face + Optimum ONNX layout (the Llama-family fixture of
 * {@code inference-processor/training/hf_fixtures.py}) served through the whole pipeline on a real broker: greedy
 * completions equal the tokens its PyTorch definition produced, fill-in-the-middle included, and a suffix sent to
 * a model without FIM tokens is answered REJECTED.
 */
@Tag("integration")
class HfModelPipelineIT {
  static final Path FIXTURE = Path.of("..", "inference-processor", "src", "test", "resources", "hf-fixtures",
      "llama-tiny").toAbsolutePath().normalize();
  static final Map<String, Object> ENGINE_SETTINGS = Map.of(
      EngineConfig.MODELS, "llama-tiny,java-coder-tiny",
      EngineConfig.DEFAULT_MODEL, "llama-tiny",
      EngineConfig.PRELOAD_MODELS, "java-coder-tiny",
      EngineConfig.WARMUP_BATCH_SIZES, "1,4",
      "model.llama-tiny.location", FIXTURE.toString());

  @TempDir static Path dir;
  static KafkaFixture kafka;
  static InferenceEngine engine;
  static CodegenPipeline pipeline;

  @BeforeAll
  static void start() throws Exception {
    kafka = new KafkaFixture(dir.resolve("kafka"), 2);
    EngineConfig engineConfig = new EngineConfig(ENGINE_SETTINGS);
    engine = InferenceEngines.create(engineConfig);
    ModelCatalog models = new ModelCatalog(engineConfig.models().keySet(), "llama-tiny");
    pipeline = kafka.startPipeline(dir.resolve("streams"), engine, models, PipelineListener.NONE);
  }

  @AfterAll
  static void stop() throws Exception {
    KafkaFixture.closeAll(pipeline, engine, kafka);
  }

  @Test
  void shouldAnswerWithThePyTorchReferenceTokensWhenAnOptimumModelServesPromptsAndSuffixes() throws Exception {
    JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
    Set<Integer> eos = new HashSet<>();
    ref.get("eos_token_ids").forEach(n -> eos.add(n.asInt()));
    List<JsonNode> cases = new ArrayList<>();
    ref.get("cases").forEach(cases::add);
    ref.get("fim").forEach(cases::add);
    int n = ref.get("greedy_tokens").asInt();
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
      for (int i = 0; i < cases.size(); i++) {
        JsonNode c = cases.get(i);
        CodeGenRequest.Builder r = CodeGenRequest.newBuilder().setRequestId("hf-" + i).setMaxNewTokens(n)
            .setCreatedAt(Instant.now());
        if (c.has("suffix")) {
          r.setPrompt(c.get("prefix").asText()).setSuffix(c.get("suffix").asText());
        } else {
          r.setPrompt(c.get("prompt").asText());
        }
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "hf-" + i, r.build()));
      }
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "hf-no-fim", CodeGenRequest.newBuilder()
          .setRequestId("hf-no-fim").setPrompt("int x = ").setSuffix(";").setModel("java-coder-tiny")
          .setMaxNewTokens(4).setCreatedAt(Instant.now()).build()));
    }
    Map<String, List<CodeGenResult>> results = kafka.clients().allResults(cases.size() + 1, Duration.ofMinutes(2));
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(FIXTURE.resolve("tokenizer.json"))) {
      for (int i = 0; i < cases.size(); i++) {
        JsonNode greedy = cases.get(i).get("greedy_ids");
        int end = greedy.size();
        if (end > 0 && eos.contains(greedy.get(end - 1).asInt())) {
          end--;
        }
        long[] ids = new long[end];
        for (int k = 0; k < end; k++) {
          ids[k] = greedy.get(k).asLong();
        }
        List<CodeGenResult> answers = results.get("hf-" + i);
        assertThat(answers).as("case %d answered once", i).hasSize(1);
        CodeGenResult result = answers.get(0);
        assertThat(result.getStatus()).as(String.valueOf(result.getError())).isEqualTo(ResultStatus.OK);
        assertThat(result.getCompletion()).as("case %d", i).isEqualTo(tokenizer.decode(ids, true));
        assertThat(result.getCompletionTokens()).as("case %d", i).isEqualTo(greedy.size());
      }
    }
    CodeGenResult rejected = results.get("hf-no-fim").get(0);
    assertThat(rejected.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(rejected.getError()).contains("java-coder-tiny").contains("fill-in-the-middle");
  }
}
