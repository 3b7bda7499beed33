package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.inference.internals.ort.OrtBackendProvider;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.ResultStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What editors need, on a real broker with the real engine and the shipped tiny model: cancels through Kafka and
 * streamed chunks. Decode steps are released one at a time ({@link SteppedBackend}), so "within one decode step" and
 * "while the request still runs" are checked by holding the next step, not by timing.
 */
@Tag("integration")
class EditorTrafficIT {
  private static final int BATCH = 50;

  @TempDir static Path dir;
  static KafkaFixture kafka;
  static SteppedBackend stepped = new SteppedBackend(new OrtBackendProvider());
  static InferenceEngine engine;
  static CodegenPipeline pipeline;
  static final PipelineCounters counters = new PipelineCounters();

  @BeforeAll
  static void start() throws Exception {
    kafka = new KafkaFixture(dir.resolve("kafka"), 4);
    Map<String, Object> settings = Map.of(
        EngineConfig.ENGINE, SteppedBackend.NAME,
        EngineConfig.MODELS, "java-coder-tiny",
        EngineConfig.DEFAULT_MODEL, "java-coder-tiny",
        EngineConfig.WARMUP_BATCH_SIZES, "1",
        EngineConfig.BATCHING_ADAPTIVE, false,
        EngineConfig.BATCH_MAX_SIZE, BATCH,
        EngineConfig.BATCH_MAX_WAIT_MS, 0,
        EngineConfig.STEP_TIMEOUT_MS, 600_000L);
    engine = InferenceEngines.create(new EngineConfig(settings), List.of(stepped));
    engine.whenReady().get(2, TimeUnit.MINUTES);
    ModelCatalog models = new ModelCatalog(new EngineConfig(settings).models().keySet(), "java-coder-tiny");
    pipeline = kafka.startPipeline(dir.resolve("streams"), engine, models, counters);
  }

  @AfterAll
  static void stop() throws Exception {
    stepped.open();
    KafkaFixture.closeAll(pipeline, engine, kafka);
  }

  private static CodeGenRequest request(String id) {
    return CodeGenRequest.newBuilder().setRequestId(id).setPrompt("public int max(int a, int b) {")
        .setMaxNewTokens(200).setStop(List.of()).setCreatedAt(Instant.now())
        .setDeadline(Instant.now().plus(Duration.ofMinutes(10))).build();
  }

  private static List<String> ids(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }

  /** Releases steps one at a time until {@code condition} holds while the decode thread waits for the next. */
  private static void stepUntil(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    stepped.awaitHeld();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not reached; engine: %s", engine.stats()).isLessThan(end);
      stepped.step(1);
    }
  }

  private static int queued() {
    return engine.stats().queueDepth().values().stream().mapToInt(Integer::intValue).sum();
  }

  private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("%s; engine: %s", what, engine.stats()).isLessThan(end);
      Thread.sleep(5);
    }
  }

  @Test
  void shouldCancelHalfOfAHundredRunningRequestsWithinOneDecodeStepAndGiveTheirSlotsToWaitingOnes()
      throws Exception {
    List<String> running = ids("run-", 0, BATCH);
    List<String> waiting = ids("wait-", 0, BATCH);
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer();
         KafkaConsumer<String, CodeGenResult> results = kafka.resultConsumer()) {
      stepped.hold();
      running.forEach(id -> producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, request(id))));
      producer.flush();
      awaitCondition(() -> engine.stats().inFlightSequences() + queued() == BATCH,
          "the first 50 reached the engine");
      stepUntil(() -> engine.stats().inFlightSequences() == BATCH);
      stepped.step(2); // every running request generates a few tokens before the cancel
      waiting.forEach(id -> producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, request(id))));
      producer.flush();
      awaitCondition(() -> queued() == BATCH, "the second 50 wait in the engine's queue");

      List<String> cancelled = new java.util.ArrayList<>(running.subList(0, BATCH / 2));
      cancelled.addAll(waiting.subList(0, BATCH / 2));
      cancelled.forEach(id -> producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, null)));
      producer.flush();
      awaitCondition(() -> counters.cancels.get(CancelOutcome.RUNNING).sum() == cancelled.size(),
          "the pipeline read every cancel and handed it to the engine");
      int stepsBefore = stepped.rowsPerStep.size();
      stepped.step(1); // the step during which the cancels arrived ends; the cancelled rows leave before the next

      List<ConsumerRecord<String, CodeGenResult>> first = KafkaFixture.pollUntil(results, Duration.ofMinutes(1),
          read -> read.stream().filter(r -> r.value().getStatus() == ResultStatus.CANCELLED).count() == cancelled.size());
      assertThat(first).as("while the next step is held, exactly the cancelled ids have their result")
          .extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(cancelled);
      assertThat(stepped.rowsPerStep.size()).as("one step was released after the cancels").isEqualTo(stepsBefore + 1);
      assertThat(stepped.rowsPerStep.get(stepsBefore)).as("the next step: 25 still running + 25 that took the freed"
          + " slots").isEqualTo(BATCH);
      for (ConsumerRecord<String, CodeGenResult> r : first) {
        if (r.key().startsWith("run-")) {
          assertThat(r.value().getCompletionTokens()).as("a running request keeps the text it generated")
              .isGreaterThanOrEqualTo(2);
          assertThat(r.value().getCompletion()).isNotEmpty();
        } else {
          assertThat(r.value().getCompletionTokens()).isZero();
        }
      }

      stepped.open();
      List<ConsumerRecord<String, CodeGenResult>> rest = KafkaFixture.pollUntil(results, Duration.ofMinutes(2),
          read -> read.size() >= BATCH);
      rest.addAll(KafkaFixture.pollUntil(results, Duration.ofSeconds(1), read -> false)); // room for a duplicate
      assertThat(rest).extracting(ConsumerRecord::key).as("one result per id that was not cancelled")
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.Stream.concat(running.stream(), waiting.stream()).filter(id -> !cancelled.contains(id))
                  .toList());
      assertThat(rest.stream().map(r -> r.value().getStatus()).collect(Collectors.toSet()))
          .containsOnly(ResultStatus.OK);
    }
  }

  @Test
  void shouldStreamChunksWhileTheRequestRunsWhoseConcatenationIsTheCompletionWhenItAsksToStream() throws Exception {
    Map<String, Object> chunkConfig = new java.util.HashMap<>(kafka.clientProperties());
    chunkConfig.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    chunkConfig.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "stream-reader");
    io.codegenstreams.serde.SpecificAvroDeserializer<io.codegenstreams.schemas.CodeGenChunk> values =
        new io.codegenstreams.serde.SpecificAvroDeserializer<>(io.codegenstreams.schemas.CodeGenChunk.class);
    values.configure(kafka.serdeConfig(), false);
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer();
         KafkaConsumer<String, CodeGenResult> results = kafka.resultConsumer();
         KafkaConsumer<String, io.codegenstreams.schemas.CodeGenChunk> chunks = new KafkaConsumer<>(chunkConfig,
             new org.apache.kafka.common.serialization.StringDeserializer(), values)) {
      chunks.subscribe(List.of(CodegenTopics.STREAM));
      stepped.hold();
      CodeGenRequest streamed = CodeGenRequest.newBuilder(request("streamed")).setMaxNewTokens(40).setStream(true)
          .build();
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "streamed", streamed)).get();
      stepped.awaitHeld();
      stepped.step(3); // three tokens; the decode thread waits before the fourth

      List<ConsumerRecord<String, io.codegenstreams.schemas.CodeGenChunk>> early =
          KafkaFixture.pollUntil(chunks, Duration.ofMinutes(1), read -> !read.isEmpty());
      assertThat(early).as("a chunk is readable while the request still runs").isNotEmpty();
      assertThat(early.get(0).value().getSequence()).isZero();
      assertThat(early.get(0).value().getLast()).isFalse();
      assertThat(engine.stats().inFlightSequences()).as("still decoding").isEqualTo(1);

      stepped.open();
      List<ConsumerRecord<String, CodeGenResult>> result = KafkaFixture.pollUntil(results, Duration.ofMinutes(1),
          read -> read.stream().anyMatch(r -> r.key().equals("streamed")));
      List<ConsumerRecord<String, io.codegenstreams.schemas.CodeGenChunk>> all = new java.util.ArrayList<>(early);
      all.addAll(KafkaFixture.pollUntil(chunks, Duration.ofMinutes(1),
          read -> read.stream().anyMatch(r -> r.value().getLast())));
      String text = all.stream().map(r -> r.value()).sorted(java.util.Comparator.comparingInt(
          io.codegenstreams.schemas.CodeGenChunk::getSequence)).map(c -> c.getText()).reduce("", String::concat);
      CodeGenResult answer = result.stream().filter(r -> r.key().equals("streamed")).findFirst().orElseThrow().value();
      assertThat(answer.getStatus()).isEqualTo(ResultStatus.OK);
      assertThat(text).isEqualTo(answer.getCompletion());
      assertThat(all).extracting(r -> r.value().getSequence()).doesNotHaveDuplicates();
    }
  }

  @Test
  void shouldCancelTheRequestWhenSubmitIsStoppedWhileItWaits() throws Exception {
    long cancelsBefore = counters.cancels.get(CancelOutcome.RUNNING).sum();
    stepped.hold();
    try (CodegenProcess submit = CodegenProcess.start(dir.resolve("logs"), "submit", "submit", "--bootstrap-servers",
        kafka.broker.bootstrapServers(), "--schema-registry-url", kafka.registry.url(), "--request-id", "ctrl-c-1",
        "--max-new-tokens", "200", "public int max(int a, int b) {")) {
      awaitCondition(() -> engine.stats().inFlightSequences() == 1, "the submitted request decodes");
      // Ctrl-C (SIGINT) and SIGTERM run the same JVM shutdown hook; SIGTERM because a process started from a
      // background job (as CI may start the build) inherits SIGINT as ignored
      submit.terminate(Duration.ofMinutes(1));
      assertThat(submit.stderr()).contains("sent a cancel of request ctrl-c-1");
      awaitCondition(() -> counters.cancels.get(CancelOutcome.RUNNING).sum() > cancelsBefore,
          "the interrupted submit sent a cancel that stopped its request");
    } finally {
      stepped.open();
    }
    try (KafkaConsumer<String, CodeGenResult> results = kafka.resultConsumer()) {
      CodeGenResult r = KafkaFixture.pollUntil(results, Duration.ofMinutes(1),
          read -> read.stream().anyMatch(x -> x.key().equals("ctrl-c-1"))).stream()
          .filter(x -> x.key().equals("ctrl-c-1")).findFirst().orElseThrow().value();
      assertThat(r.getStatus()).isEqualTo(ResultStatus.CANCELLED);
    }
  }
}
