package io.codegenstreams.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.embedded.NodeTools;
import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineListener;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.ResultStatus;
import io.codegenstreams.topology.CancelOutcome;
import io.codegenstreams.topology.CodegenPipeline;
import io.codegenstreams.topology.CodegenTopics;
import io.codegenstreams.topology.KafkaFixture;
import io.codegenstreams.topology.ModelCatalog;
import io.codegenstreams.topology.PipelineCounters;
import io.codegenstreams.topology.SteppedBackend;
import io.codegenstreams.inference.internals.ort.OrtBackendProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway driven by the official {@code openai} npm SDK (a client not written here), in front of the real
 * pipeline on a real broker with the shipped tiny model. Needs {@code node} and {@code npm} (CI installs them); runs
 * {@code npm ci} in {@code src/test/openai} when its node_modules is missing.
 */
@Tag("integration")
class GatewayIT {
  private static final Path CLIENT = Path.of("src/test/openai").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static KafkaFixture kafka;
  static InferenceEngine engine;
  static CodegenPipeline pipeline;
  static CompletionGateway gateway;
  static final PipelineCounters counters = new PipelineCounters();
  static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  static final SteppedBackend stepped = new SteppedBackend(new OrtBackendProvider());

  @BeforeAll
  static void start() throws Exception {
    NodeTools.requireProject(CLIENT, "openai");
    kafka = new KafkaFixture(dir.resolve("kafka"), 4);
    Map<String, Object> settings = Map.of(EngineConfig.ENGINE, SteppedBackend.NAME, EngineConfig.MODELS,
        "java-coder-tiny", EngineConfig.DEFAULT_MODEL, "java-coder-tiny", EngineConfig.WARMUP_BATCH_SIZES, "1",
        EngineConfig.STEP_TIMEOUT_MS, 600_000L);
    engine = InferenceEngines.create(new EngineConfig(settings), List.of(stepped));
    engine.addListener(new EngineListener() {
      @Override
      public void onCompletion(Completion c) {
        runs.computeIfAbsent(c.requestId(), k -> new AtomicInteger()).incrementAndGet();
      }
    });
    pipeline = kafka.startPipeline(dir.resolve("streams"), engine,
        new ModelCatalog(java.util.Set.of("java-coder-tiny"), "java-coder-tiny"), counters);
    gateway = CompletionGateway.start(settings(0, null, GatewaySettings.DEFAULT_MAX_WAIT, true));
  }

  static GatewaySettings settings(int port, Path keys, Duration maxWait, boolean ready) {
    return new GatewaySettings("127.0.0.1", port, CodegenTopics.REQUESTS, CodegenTopics.RESULTS, CodegenTopics.STREAM,
        kafka.clientProperties(), kafka.registry.url(), List.of("java-coder-tiny"), "java-coder-tiny", keys, maxWait,
        () -> ready);
  }

  @AfterAll
  static void stop() throws Exception {
    KafkaFixture.closeAll(gateway, pipeline, engine, kafka);
  }

  private static String base(CompletionGateway g) {
    return "http://127.0.0.1:" + g.port() + "/v1";
  }

  /** Runs one scenario of client.mjs and returns the JSON line it printed. */
  private static JsonNode sdk(CompletionGateway g, String scenario, String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "client.mjs", base(g), scenario));
    command.addAll(List.of(extra));
    String out = run(command, 180);
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    return JSON.readTree(last);
  }

  @Test
  void shouldAnswerACompletionInOpenAisShapeWhenTheSdkCallsIt() throws Exception {
    JsonNode r = sdk(gateway, "complete");

    assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("object").asText()).isEqualTo("text_completion");
    assertThat(r.path("model").asText()).isEqualTo("java-coder-tiny");
    assertThat(r.path("text").asText()).isNotEmpty();
    assertThat(r.path("finish_reason").asText()).isIn("stop", "length");
    assertThat(r.path("usage").path("completion_tokens").asInt()).isBetween(1, 24);
    assertThat(r.path("usage").path("total_tokens").asInt()).isEqualTo(
        r.path("usage").path("prompt_tokens").asInt() + r.path("usage").path("completion_tokens").asInt());
  }

  @Test
  void shouldStreamServerSentEventsWhoseTextIsTheCommittedCompletionWhenStreamIsTrue() throws Exception {
    JsonNode r = sdk(gateway, "stream", "none", "gw-stream-1");

    assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("id").asText()).isEqualTo("gw-stream-1");
    assertThat(r.path("events").asInt()).as("several events, not one block").isGreaterThan(2);
    assertThat(r.path("finish_reason").asText()).isIn("stop", "length");
    CodeGenResult committed = committed("gw-stream-1");
    assertThat(r.path("text").asText()).isEqualTo(committed.getCompletion());
  }

  @Test
  void shouldRunTheModelOnceWhenTheSameIdempotencyKeyIsSentTwice() throws Exception {
    JsonNode first = sdk(gateway, "complete", "none", "gw-idem-1");
    JsonNode second = sdk(gateway, "complete", "none", "gw-idem-1");

    assertThat(first.path("id").asText()).isEqualTo("gw-idem-1");
    assertThat(second.path("id").asText()).isEqualTo("gw-idem-1");
    assertThat(second.path("text").asText()).isEqualTo(first.path("text").asText());
    assertThat(runs.get("gw-idem-1")).as("inferences of gw-idem-1").hasValue(1);
  }

  @Test
  void shouldCancelTheRequestThroughThePipelineWhenTheClientAbortsItsStream() throws Exception {
    long cancelsBefore = counters.cancels.get(CancelOutcome.RUNNING).sum();
    stepped.hold();
    Process client;
    try {
      client = new ProcessBuilder("node", "client.mjs", base(gateway), "abort", "none", "gw-abort-1")
          .directory(CLIENT.toFile()).redirectErrorStream(true).start();
      stepped.awaitHeld();
      stepped.step(3); // a few tokens, so a chunk reaches the client; the request cannot finish while held
      assertThat(client.waitFor(2, TimeUnit.MINUTES)).as("the client aborted after its first chunk").isTrue();
      String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}")).path("aborted").asBoolean())
          .as(out).isTrue();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (counters.cancels.get(CancelOutcome.RUNNING).sum() == cancelsBefore) {
        assertThat(System.nanoTime()).as("the gateway sent a cancel that stopped the running request")
            .isLessThan(deadline);
        Thread.sleep(10);
      }
    } finally {
      stepped.open();
    }
    CodeGenResult committed = committed("gw-abort-1");
    assertThat(committed.getStatus()).isEqualTo(ResultStatus.CANCELLED);
    assertThat(committed.getCompletionTokens()).isBetween(1, 10);
  }

  @Test
  void shouldHoldAThousandOpenStreamsWithoutAThreadPerCallWhenTheyWaitTogether() throws Exception {
    int calls = 1000;
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    System.gc();
    int threadsBefore = threads.getThreadCount();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    stepped.hold();
    Process client;
    int threadsOpen;
    long heapOpen;
    try {
      client = new ProcessBuilder("node", "many.mjs", base(gateway), Integer.toString(calls))
          .directory(CLIENT.toFile()).redirectErrorStream(true).start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (gateway.openCalls() < calls) {
        assertThat(System.nanoTime()).as("%d calls open, %d so far", calls, gateway.openCalls()).isLessThan(deadline);
        Thread.sleep(20);
      }
      System.gc();
      threadsOpen = threads.getThreadCount();
      heapOpen = memory.getHeapMemoryUsage().getUsed();
    } finally {
      stepped.open();
    }
    assertThat(client.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    JsonNode r = JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
    System.out.printf("gateway: %d streams open at once: JVM threads %d -> %d, heap after GC %.1f -> %.1f MB;"
            + " all answered in %.1f s%n", calls, threadsBefore, threadsOpen, heapBefore / 1e6, heapOpen / 1e6,
        r.path("seconds").asDouble());
    assertThat(r.path("ok").asInt()).as(out).isEqualTo(calls);
    assertThat(threadsOpen - threadsBefore).as("threads added by %d open calls", calls).isLessThan(50);
  }

  @Test
  void shouldListTheDeclaredModelsWhenAskedForModels() throws Exception {
    JsonNode r = sdk(gateway, "models");
    assertThat(r.path("models").toString()).isEqualTo("[\"java-coder-tiny\"]");
  }

  @Test
  void shouldAnswerOpenAiErrorsWithTheirStatusAndCodeWhenTheCallCannotBeServed() throws Exception {
    JsonNode n2 = sdk(gateway, "n2").path("error");
    assertThat(n2.path("status").asInt()).isEqualTo(400);
    assertThat(n2.path("param").asText()).isEqualTo("n");

    JsonNode model = sdk(gateway, "unknown-model").path("error");
    assertThat(model.path("status").asInt()).isEqualTo(404);
    assertThat(model.path("code").asText()).isEqualTo("model_not_found");

    JsonNode tooLong = sdk(gateway, "too-long").path("error");
    assertThat(tooLong.path("status").asInt()).as("REJECTED by the pipeline: max_new_tokens").isEqualTo(400);
    assertThat(tooLong.path("message").asText()).contains("max.new.tokens.max");

    Path keys = Files.writeString(dir.resolve("keys"), "# key lane rate\nsecret-1 HIGH 1000\n");
    try (CompletionGateway secured = CompletionGateway.start(settings(0, keys, GatewaySettings.DEFAULT_MAX_WAIT, true));
         CompletionGateway notReady = CompletionGateway.start(settings(0, null, GatewaySettings.DEFAULT_MAX_WAIT,
             false));
         CompletionGateway impatient = CompletionGateway.start(settings(0, null, Duration.ofMillis(1), true))) {
      assertThat(sdk(secured, "complete").path("error").path("status").asInt()).as("no key").isEqualTo(401);
      assertThat(sdk(secured, "complete", "wrong").path("error").path("status").asInt()).isEqualTo(401);
      assertThat(sdk(secured, "complete", "secret-1").path("ok").asBoolean()).as("a valid key").isTrue();
      assertThat(sdk(notReady, "complete").path("error").path("status").asInt()).isEqualTo(503);
      assertThat(sdk(impatient, "complete").path("error").path("status").asInt()).isEqualTo(504);
    }
  }

  private static CodeGenResult committed(String id) {
    try (KafkaConsumer<String, CodeGenResult> consumer = kafka.resultConsumer()) {
      List<ConsumerRecord<String, CodeGenResult>> read = KafkaFixture.pollUntil(consumer, Duration.ofMinutes(1),
          records -> records.stream().anyMatch(r -> r.key().equals(id)));
      return read.stream().filter(r -> r.key().equals(id)).findFirst()
          .orElseThrow(() -> new AssertionError("no committed result for " + id)).value();
    }
  }

  private static String run(List<String> command, int timeoutSeconds) throws Exception {
    return NodeTools.run(CLIENT, command, timeoutSeconds);
  }
}
