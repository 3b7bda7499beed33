package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import io.codegenstreams.serde.InMemorySchemaRegistryClient;
import io.codegenstreams.serde.SpecificAvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CodegenTopologyTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final SpecificAvroSerde<CodeGenRequest> requestSerde = serde(CodeGenRequest.class);
  private final SpecificAvroSerde<CodeGenResult> resultSerde = serde(CodeGenResult.class);
  private final ScriptedEngine engine = new ScriptedEngine();
  private final PipelineCounters counters = new PipelineCounters();
  private final List<io.codegenstreams.schemas.CodeGenChunk> chunks =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  private TopologyTestDriver driver;
  private TestInputTopic<String, CodeGenRequest> requests;
  private TestInputTopic<String, byte[]> rawRequests;
  private TestInputTopic<String, CodeGenResult> resultsIn;
  private TestOutputTopic<String, CodeGenResult> results;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  private <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type) {
    SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(registry, type);
    serde.configure(Map.of("schema.registry.url", "http://unused", "auto.register.schemas", true), false);
    return serde;
  }

  private void start(Map<String, Object> overrides) {
    TopologyConfig config = new TopologyConfig(overrides);
    PipelineTopics topics = PipelineTopics.of(config, requestSerde, resultSerde);
    ModelCatalog models = new ModelCatalog(java.util.Set.of("java-coder-3m", "java-coder-tiny"), "java-coder-3m");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "codegen-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(CodegenTopology.build(config, topics, engine, models, counters, chunks::add), props,
        START);
    requests = driver.createInputTopic(CodegenTopics.REQUESTS, Serdes.String().serializer(), requestSerde.serializer());
    rawRequests = driver.createInputTopic(CodegenTopics.REQUESTS, Serdes.String().serializer(), Serdes.ByteArray().serializer());
    resultsIn = driver.createInputTopic(CodegenTopics.RESULTS, Serdes.String().serializer(), resultSerde.serializer());
    results = driver.createOutputTopic(CodegenTopics.RESULTS, Serdes.String().deserializer(), resultSerde.deserializer());
    deadLetters = driver.createOutputTopic(CodegenTopics.REQUESTS_DLQ, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  private void start() {
    start(Map.of());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private static CodeGenRequest.Builder request(String id) {
    return CodeGenRequest.newBuilder().setRequestId(id).setPrompt("public int max(int a, int b) {")
        .setCreatedAt(START);
  }

  private void send(CodeGenRequest r) {
    requests.pipeInput(r.getRequestId(), r);
  }

  private void tick() {
    driver.advanceWallClockTime(Duration.ofMillis(10));
  }

  private List<CodeGenResult> drainResults() {
    return results.readValuesToList();
  }

  @Test
  void shouldAnswerWithTheEnginesCompletionWhenRequestIsValid() {
    start();
    send(request("r1").setPriority(Priority.HIGH).build());
    tick();

    List<CodeGenResult> out = drainResults();
    assertThat(out).hasSize(1);
    CodeGenResult r = out.get(0);
    assertThat(r.getStatus()).isEqualTo(ResultStatus.OK);
    assertThat(r.getCompletion()).isEqualTo(ScriptedEngine.completionOf("public int max(int a, int b) {"));
    assertThat(r.getModel()).isEqualTo("java-coder-3m");
    assertThat(r.getModelVersion()).isEqualTo("test-1");
    assertThat(r.getCached()).isFalse();
    assertThat(r.getInferenceTimeMs()).isEqualTo(5);
    assertThat(engine.submitted).singleElement()
        .satisfies(g -> assertThat(g.priority()).isEqualTo(io.codegenstreams.inference.Priority.HIGH));
  }

  @Test
  void shouldSendOriginalBytesToDeadLetterTopicWhenValueCannotBeDecoded() {
    start();
    byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    rawRequests.pipeInput(new TestRecord<>("bad-1", garbage, new org.apache.kafka.common.header.internals.RecordHeaders()
        .add("trace", "t-1".getBytes(StandardCharsets.UTF_8)), START));
    byte[] unknownSchemaId = {0, 0, 0, 0x7f, 0x7f, 1, 2, 3};
    rawRequests.pipeInput("bad-2", unknownSchemaId);
    send(request("good").build());
    tick();

    List<TestRecord<byte[], byte[]>> dlq = deadLetters.readRecordsToList();
    assertThat(dlq).hasSize(2);
    TestRecord<byte[], byte[]> first = dlq.get(0);
    assertThat(first.value()).isEqualTo(garbage);
    assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("bad-1");
    assertThat(header(first, "trace")).isEqualTo("t-1");
    assertThat(header(first, "codegen.dlq.topic")).isEqualTo(CodegenTopics.REQUESTS);
    assertThat(header(first, "codegen.dlq.partition")).isEqualTo("0");
    assertThat(header(first, "codegen.dlq.offset")).isEqualTo("0");
    assertThat(header(first, "codegen.dlq.reason")).isNotBlank();
    assertThat(header(dlq.get(1), "codegen.dlq.offset")).isEqualTo("1");
    assertThat(counters.deadLetters.sum()).isEqualTo(2);
    assertThat(drainResults()).extracting(CodeGenResult::getRequestId).containsExactly("good");
  }

  private static String header(TestRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldRejectWithAReasonWhenRequestIsInvalid() {
    start(Map.of(TopologyConfig.PROMPT_MAX_BYTES, 40));
    send(request("empty").setPrompt("").build());
    send(request("huge").setPrompt("x".repeat(41)).build());
    send(request("model").setModel("gpt-17").build());
    send(request("tokens").setMaxNewTokens(0).build());
    send(request("late").setDeadline(START.minusSeconds(1)).build());
    requests.pipeInput("other-key", request("keyed").build());
    tick();

    Map<String, String> errors = new HashMap<>();
    for (CodeGenResult r : drainResults()) {
      assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
      assertThat(r.getRejection()).as(r.getRequestId()).isEqualTo(r.getRequestId().equals("model")
          ? io.codegenstreams.schemas.RejectionReason.UNKNOWN_MODEL : io.codegenstreams.schemas.RejectionReason.INVALID);
      errors.put(r.getRequestId(), r.getError());
    }
    assertThat(errors).containsOnlyKeys("empty", "huge", "model", "tokens", "late", "keyed");
    assertThat(errors.get("empty")).contains("prompt is empty");
    assertThat(errors.get("huge")).contains("41 bytes").contains(TopologyConfig.PROMPT_MAX_BYTES);
    assertThat(errors.get("model")).contains("unknown model 'gpt-17'").contains("java-coder-tiny");
    assertThat(errors.get("tokens")).contains("max_new_tokens 0");
    assertThat(errors.get("late")).contains("deadline");
    assertThat(errors.get("keyed")).contains("record key 'other-key' differs");
    assertThat(engine.submitted).isEmpty();
  }

  @Test
  void shouldRunInferenceOnceWhenTheSameIdArrivesWhileTheFirstIsRunning() {
    engine.manual();
    start();
    send(request("dup").build());
    send(request("other").build());
    send(request("dup").build());
    send(request("dup").build());
    tick();
    assertThat(drainResults()).isEmpty();

    engine.completeAll();
    tick();
    send(request("dup").build());
    tick();

    List<CodeGenResult> dup = drainResults().stream().filter(r -> r.getRequestId().equals("dup")).toList();
    assertThat(dup).hasSize(4);
    assertThat(dup).extracting(CodeGenResult::getCompletion).containsOnly(dup.get(0).getCompletion());
    assertThat(dup).extracting(CodeGenResult::getCached).containsExactly(false, true, true, true);
    assertThat(engine.submittedWithId("dup")).isEqualTo(1);
  }

  @Test
  void shouldAnswerFromTheResultsTopicWhenTheIdAlreadyHasAResult() {
    start();
    CodeGenResult stored = CodeGenResult.newBuilder().setRequestId("old").setStatus(ResultStatus.OK)
        .setCompletion(" stored completion").setModel("java-coder-3m").setCompletedAt(START).build();
    resultsIn.pipeInput("old", stored);
    send(request("old").build());
    tick();

    assertThat(drainResults()).singleElement().satisfies(r -> {
      assertThat(r.getCached()).isTrue();
      assertThat(r.getCompletion()).isEqualTo(" stored completion");
    });
    assertThat(engine.submitted).isEmpty();
    assertThat(counters.idempotencyHits.sum()).isEqualTo(1);
  }

  @Test
  void shouldRunTheModelAgainWhenTheStoredResultIsOlderThanTheIdempotencyWindow() {
    start(Map.of(TopologyConfig.IDEMPOTENCY_WINDOW_MS, 60_000L));
    CodeGenResult stored = CodeGenResult.newBuilder().setRequestId("aged").setStatus(ResultStatus.OK)
        .setCompletion(" stored").setModel("java-coder-3m").setCompletedAt(START).build();
    resultsIn.pipeInput("aged", stored, START);
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    send(request("aged").build());
    tick();

    assertThat(drainResults()).singleElement().satisfies(r -> assertThat(r.getCached()).isFalse());
    assertThat(engine.submittedWithId("aged")).isEqualTo(1);
  }

  @Test
  void shouldDispatchTheHighLaneFirstWhenEveryLaneIsWaiting() {
    engine.manual();
    engine.refuse(io.codegenstreams.inference.Priority.HIGH);
    engine.refuse(io.codegenstreams.inference.Priority.NORMAL);
    engine.refuse(io.codegenstreams.inference.Priority.LOW);
    start();
    send(request("low").setPriority(Priority.LOW).build());
    send(request("normal").setPriority(Priority.NORMAL).build());
    send(request("high").setPriority(Priority.HIGH).build());
    for (io.codegenstreams.inference.Priority lane : io.codegenstreams.inference.Priority.values()) {
      engine.accept(lane);
    }
    tick();

    assertThat(engine.submitted).extracting(io.codegenstreams.inference.GenerationRequest::id)
        .containsExactly("high", "normal", "low");
  }

  @Test
  void shouldRejectAsOverloadedWhenTheLaneIsFull() {
    engine.manual();
    start(Map.of(TopologyConfig.laneMaxPending(Priority.LOW), 2));
    send(request("l1").setPriority(Priority.LOW).build());
    send(request("l2").setPriority(Priority.LOW).build());
    send(request("l3").setPriority(Priority.LOW).build());
    send(request("h1").setPriority(Priority.HIGH).build());
    tick();

    assertThat(drainResults()).singleElement().satisfies(r -> {
      assertThat(r.getRequestId()).isEqualTo("l3");
      assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
      assertThat(r.getError()).contains("LOW lane is full").contains(TopologyConfig.laneMaxPending(Priority.LOW));
      assertThat(r.getRejection()).isEqualTo(io.codegenstreams.schemas.RejectionReason.OVERLOADED);
    });
    assertThat(engine.submitted).extracting(io.codegenstreams.inference.GenerationRequest::id)
        .containsExactlyInAnyOrder("l1", "l2", "h1");
  }

  @Test
  void shouldAnswerTimeoutWhenTheDeadlinePassesInTheBuffer() {
    engine.refuse(io.codegenstreams.inference.Priority.NORMAL);
    start();
    send(request("slow").setDeadline(START.plusMillis(500)).build());
    tick();
    assertThat(drainResults()).isEmpty();

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(drainResults()).singleElement().satisfies(r -> {
      assertThat(r.getStatus()).isEqualTo(ResultStatus.TIMEOUT);
      assertThat(r.getError()).contains("deadline passed");
      assertThat(r.getQueueTimeMs()).isGreaterThanOrEqualTo(500);
    });
    assertThat(engine.submitted).isEmpty();
  }

  @Test
  void shouldKeepBufferedRequestsInTheLaneStoreUntilTheirResultIsEmitted() {
    engine.manual();
    start();
    send(request("kept").setPriority(Priority.LOW).build());
    tick();
    org.apache.kafka.streams.state.WindowStore<String, byte[]> lane = driver.getWindowStore("lane-low");
    assertThat(lane.fetch("kept", START.toEpochMilli())).isNotNull();

    engine.completeAll();
    tick();
    assertThat(lane.fetch("kept", START.toEpochMilli())).isNull();
    assertThat(drainResults()).extracting(CodeGenResult::getRequestId).containsExactly("kept");
  }

  @Test
  void shouldDeleteTheInFlightEntryAndAnswerARepeatFromTheResultWhenARequestFinishes() {
    start();
    send(request("first").build());
    send(request("second").build());
    tick(); // both finish; the test driver feeds the results topic back to the results store
    assertThat(drainResults()).extracting(CodeGenResult::getRequestId).containsExactly("first", "second");

    driver.advanceWallClockTime(Duration.ofMillis(500));
    KeyValueStore<String, byte[]> inflight = driver.getKeyValueStore("inflight-index");
    assertThat(inflight.get("first")).isNull();
    assertThat(inflight.get("second")).isNull();

    send(request("second").build());
    tick();
    assertThat(drainResults()).singleElement().satisfies(r -> assertThat(r.getCached()).isTrue());
    assertThat(engine.submittedWithId("second")).isEqualTo(1);
  }

  private void cancel(String id) {
    rawRequests.pipeInput(id, null);
  }

  @Test
  void shouldAnswerCancelledAtOnceWhenABufferedRequestIsCancelled() {
    engine.refuse(io.codegenstreams.inference.Priority.NORMAL);
    start();
    send(request("waiting").build());
    tick();
    cancel("waiting");
    tick();

    assertThat(drainResults()).singleElement().satisfies(r -> {
      assertThat(r.getStatus()).isEqualTo(ResultStatus.CANCELLED);
      assertThat(r.getCompletion()).isEmpty();
      assertThat(r.getError()).contains("cancelled while waiting in the NORMAL lane");
    });
    assertThat(driver.getWindowStore("lane-normal").fetch("waiting", START.toEpochMilli())).isNull();
    engine.accept(io.codegenstreams.inference.Priority.NORMAL);
    tick();
    assertThat(engine.submitted).isEmpty();
    assertThat(counters.cancels.get(CancelOutcome.BUFFERED).sum()).isEqualTo(1);
  }

  @Test
  void shouldStopTheEngineAndAnswerItsPartialTextWhenARunningRequestIsCancelled() {
    engine.manual();
    start();
    send(request("running").build());
    send(request("kept").build());
    tick();
    cancel("running");
    tick();

    assertThat(engine.cancelled).containsExactly("running");
    assertThat(drainResults()).singleElement().satisfies(r -> {
      assertThat(r.getRequestId()).isEqualTo("running");
      assertThat(r.getStatus()).isEqualTo(ResultStatus.CANCELLED);
      assertThat(r.getCompletion()).isEqualTo(" return");
    });
    engine.completeAll();
    tick();
    assertThat(drainResults()).extracting(CodeGenResult::getRequestId, CodeGenResult::getStatus)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("kept", ResultStatus.OK));
  }

  @Test
  void shouldAnswerRepeatsWithTheCancelledResultAndIgnoreALateCancelWhenTheRequestFinished() {
    start();
    send(request("done").build());
    tick();
    cancel("done");
    send(request("done").build());
    tick();

    assertThat(drainResults()).extracting(CodeGenResult::getStatus, CodeGenResult::getCached).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ResultStatus.OK, false),
        org.assertj.core.groups.Tuple.tuple(ResultStatus.OK, true));
    assertThat(counters.cancels.get(CancelOutcome.FINISHED).sum()).isEqualTo(1);
  }

  @Test
  void shouldAnswerCancelledWithoutRunningWhenTheCancelArrivesBeforeItsRequest() {
    start();
    cancel("early");
    send(request("early").build());
    tick();
    send(request("early").build());
    tick();

    assertThat(drainResults()).extracting(CodeGenResult::getStatus, CodeGenResult::getCached).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ResultStatus.CANCELLED, false),
        org.assertj.core.groups.Tuple.tuple(ResultStatus.CANCELLED, true));
    assertThat(engine.submitted).isEmpty();
    assertThat(counters.cancels.get(CancelOutcome.ANSWERED_EARLY).sum()).isEqualTo(1);
  }

  @Test
  void shouldRunTheRequestWhenItsEarlyCancelExpiredBeforeItArrived() {
    start(Map.of(TopologyConfig.CANCEL_RETENTION_MS, 5_000L));
    cancel("late");
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    send(request("late").build());
    tick();

    assertThat(drainResults()).singleElement().satisfies(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
    KeyValueStore<String, Long> early = driver.getKeyValueStore("early-cancels");
    assertThat(early.approximateNumEntries()).isZero();
  }

  @Test
  void shouldCountAndIgnoreCancelsBeyondTheLimitWithoutDisturbingOtherRequests() {
    start(Map.of(TopologyConfig.CANCEL_MAX_REMEMBERED, 100));
    for (int i = 0; i < 10_000; i++) {
      cancel("ghost-" + i);
    }
    cancel("");
    send(request("real").build());
    tick();

    assertThat(drainResults()).singleElement().satisfies(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
    assertThat(counters.cancels.get(CancelOutcome.EARLY).sum()).isEqualTo(100);
    assertThat(counters.cancels.get(CancelOutcome.DROPPED).sum()).isEqualTo(9_900);
    assertThat(counters.cancels.get(CancelOutcome.INVALID).sum()).isEqualTo(1);
    assertThat(deadLetters.readRecordsToList()).isEmpty();
  }

  @Test
  void shouldCancelTheSupersededRequestThroughTheRequestsTopicWhenANewOneNamesIt() {
    engine.manual();
    start();
    TestOutputTopic<String, byte[]> requestsOut = driver.createOutputTopic(CodegenTopics.REQUESTS,
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    send(request("k1").build());
    tick();
    send(request("k2").setSupersedes(List.of("k1", "k2", "k1")).build());
    tick();

    List<TestRecord<String, byte[]>> written = requestsOut.readRecordsToList();
    assertThat(written).extracting(TestRecord::key).containsExactly("k1");
    assertThat(written.get(0).value()).as("a tombstone").isNull();
    assertThat(engine.cancelled).containsExactly("k1");
    assertThat(drainResults()).singleElement().satisfies(r -> {
      assertThat(r.getRequestId()).isEqualTo("k1");
      assertThat(r.getStatus()).isEqualTo(ResultStatus.CANCELLED);
    });
    assertThat(counters.cancels.get(CancelOutcome.SUPERSEDE_SENT).sum()).isEqualTo(1);
  }

  @Test
  void shouldRejectWhenARequestSupersedesTooManyIds() {
    start();
    List<String> many = java.util.stream.IntStream.range(0, 17).mapToObj(i -> "old-" + i).toList();
    send(request("greedy").setSupersedes(many).build());
    tick();

    assertThat(drainResults()).singleElement().satisfies(r -> {
      assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
      assertThat(r.getError()).contains("supersedes lists 17 ids, more than 16");
    });
  }

  @Test
  void shouldSendChunksOnlyForARequestThatAsksToStreamWhenBothKindsRun() {
    start();
    send(request("streamed").setStream(true).build());
    send(request("plain").build());
    tick();

    List<CodeGenResult> out = drainResults();
    assertThat(out).hasSize(2);
    assertThat(chunks).extracting(io.codegenstreams.schemas.CodeGenChunk::getRequestId).containsOnly("streamed");
    String streamed = chunks.stream().map(io.codegenstreams.schemas.CodeGenChunk::getText)
        .reduce("", String::concat);
    assertThat(streamed).isEqualTo(out.get(0).getCompletion());
    assertThat(chunks.get(chunks.size() - 1).getLast()).isTrue();
  }

  @Test
  void shouldSettleEveryIdOnceWhenSupersedesFormAChainAndACycle() {
    engine.manual();
    start();
    send(request("c1").build());
    send(request("c2").setSupersedes(List.of("c1")).build());
    send(request("c3").setSupersedes(List.of("c2")).build());
    send(request("x").setSupersedes(List.of("y")).build());
    send(request("y").setSupersedes(List.of("x")).build()); // arrives after its own cancel: never runs
    tick();
    engine.completeAll();
    tick();

    Map<String, List<ResultStatus>> byId = new HashMap<>();
    drainResults().forEach(r -> byId.computeIfAbsent(r.getRequestId(), k -> new java.util.ArrayList<>())
        .add(r.getStatus()));
    assertThat(byId).containsOnlyKeys("c1", "c2", "c3", "x", "y");
    assertThat(byId.get("c1")).containsExactly(ResultStatus.CANCELLED);
    assertThat(byId.get("c2")).containsExactly(ResultStatus.CANCELLED);
    assertThat(byId.get("c3")).containsExactly(ResultStatus.OK);
    assertThat(byId.get("x")).containsExactly(ResultStatus.OK);
    assertThat(byId.get("y")).containsExactly(ResultStatus.CANCELLED);
    assertThat(engine.submittedWithId("y")).isZero();
  }

  @Test
  void shouldMeasureEndToEndFromTheRecordTimestampWhenCreatedAtIsUnset() {
    start();
    CodeGenRequest unset = request("console").setCreatedAt(Instant.ofEpochMilli(0)).build();
    requests.pipeInput("console", unset, START.minusSeconds(2));
    tick();

    assertThat(drainResults()).singleElement().satisfies(r ->
        assertThat(r.getEndToEndMs()).as("from the record timestamp, 2 s before the wall clock").isGreaterThanOrEqualTo(2000));
  }

  @Test
  void shouldRejectTemperaturesOutOfRangeAndPromptsThatWereNotUtf8WhenTheyArrive() {
    start();
    float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, -1f, 1e30f};
    for (int i = 0; i < bad.length; i++) {
      send(request("t" + i).setTemperature(bad[i]).build());
    }
    send(request("utf8").setPrompt("int x = \uFFFD;").build()); // what Avro makes of malformed UTF-8
    send(request("hot-but-fine").setTemperature(2f).build());
    tick();

    Map<String, CodeGenResult> byId = new HashMap<>();
    drainResults().forEach(r -> byId.put(r.getRequestId(), r));
    for (int i = 0; i < bad.length; i++) {
      assertThat(byId.get("t" + i).getStatus()).as("temperature %s", bad[i]).isEqualTo(ResultStatus.REJECTED);
      assertThat(byId.get("t" + i).getError()).contains("temperature");
    }
    assertThat(byId.get("utf8").getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(byId.get("utf8").getError()).contains("UTF-8");
    assertThat(byId.get("hot-but-fine").getStatus()).isEqualTo(ResultStatus.OK);
  }

  @Test
  void shouldDeadLetterATombstoneWithoutAKeyWhenItCannotNameWhatToCancel() {
    start();
    rawRequests.pipeInput((String) null, null);
    send(request("after").build());
    tick();

    List<TestRecord<byte[], byte[]>> dlq = deadLetters.readRecordsToList();
    assertThat(dlq).singleElement().satisfies(r -> assertThat(header(r, "codegen.dlq.reason"))
        .contains("a tombstone without a key cancels nothing"));
    assertThat(drainResults()).extracting(CodeGenResult::getRequestId).containsExactly("after");
  }
}
