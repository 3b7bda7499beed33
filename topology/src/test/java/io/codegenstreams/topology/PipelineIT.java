package io.codegenstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.codegenstreams.inference.Completion;
import io.codegenstreams.inference.EngineConfig;
import io.codegenstreams.inference.EngineListener;
import io.codegenstreams.inference.InferenceEngine;
import io.codegenstreams.inference.InferenceEngines;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline end to end on a real broker and registry, with the real engine and the shipped tiny model. */
@Tag("integration")
class PipelineIT {
  static final Map<String, Object> ENGINE_SETTINGS = Map.of(
      EngineConfig.MODELS, "java-coder-tiny",
      EngineConfig.DEFAULT_MODEL, "java-coder-tiny",
      EngineConfig.WARMUP_BATCH_SIZES, "1,8");

  @TempDir static Path dir;
  static KafkaFixture kafka;
  static InferenceEngine engine;
  static CodegenPipeline pipeline;
  static final Map<String, AtomicInteger> inferencesById = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    kafka = new KafkaFixture(dir.resolve("kafka"), 4);
    engine = InferenceEngines.create(new EngineConfig(ENGINE_SETTINGS));
    engine.addListener(new EngineListener() {
      @Override
      public void onCompletion(Completion completion) {
        inferencesById.computeIfAbsent(completion.requestId(), id -> new AtomicInteger()).incrementAndGet();
      }
    });
    EngineConfig engineConfig = new EngineConfig(ENGINE_SETTINGS);
    ModelCatalog models = new ModelCatalog(engineConfig.models().keySet(), "java-coder-tiny");
    pipeline = kafka.startPipeline(dir.resolve("streams"), engine, models, PipelineListener.NONE);
  }

  @AfterAll
  static void stop() throws Exception {
    KafkaFixture.closeAll(pipeline, engine, kafka);
  }

  private static CodeGenRequest request(String id, Priority lane, int maxNewTokens) {
    return CodeGenRequest.newBuilder().setRequestId(id).setPrompt("public int max(int a, int b) {")
        .setPriority(lane).setMaxNewTokens(maxNewTokens).setCreatedAt(Instant.now()).build();
  }

  private static Map<String, List<CodeGenResult>> resultsFor(String prefix, int expectedRecords, Duration timeout) {
    try (KafkaConsumer<String, CodeGenResult> consumer = kafka.resultConsumer()) {
      List<ConsumerRecord<String, CodeGenResult>> read = KafkaFixture.pollUntil(consumer, timeout,
          records -> records.stream().filter(r -> r.key().startsWith(prefix)).count() >= expectedRecords);
      // a little longer, so that a duplicate would have time to show up
      read.addAll(KafkaFixture.pollUntil(consumer, Duration.ofMillis(500), r -> false));
      return read.stream().filter(r -> r.key().startsWith(prefix))
          .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
    }
  }

  @Test
  void shouldAnswerEveryRequestExactlyOnceWhenAThousandArriveAcrossAllLanes() {
    int count = 1000;
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
      for (int i = 0; i < count; i++) {
        Priority lane = Priority.values()[i % 3];
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "k-" + i, request("k-" + i, lane, 4)));
      }
    }
    Map<String, List<CodeGenResult>> results = resultsFor("k-", count, Duration.ofMinutes(3));

    assertThat(results).hasSize(count);
    assertThat(results.values()).allSatisfy(list -> {
      assertThat(list).hasSize(1);
      assertThat(list.get(0).getStatus()).isEqualTo(ResultStatus.OK);
      assertThat(list.get(0).getCached()).isFalse();
    });
  }

  @Test
  void shouldRunInferenceOnceWhenTheSameIdIsSentThreeTimesAmongOthers() {
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
      for (int i = 0; i < 30; i++) {
        if (i % 10 == 0) {
          producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "dup-x", request("dup-x", Priority.NORMAL, 16)));
        }
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "dup-other-" + i, request("dup-other-" + i, Priority.NORMAL, 4)));
      }
    }
    List<CodeGenResult> dup = resultsFor("dup-x", 3, Duration.ofMinutes(1)).get("dup-x");

    assertThat(dup).hasSize(3);
    assertThat(dup).extracting(CodeGenResult::getCompletion).containsOnly(dup.get(0).getCompletion());
    assertThat(dup.stream().filter(CodeGenResult::getCached).count()).isEqualTo(2);
    assertThat(inferencesById.get("dup-x")).hasValue(1);
  }

  @Test
  void shouldDeadLetterMalformedBytesAndRejectInvalidRequestsWhileValidTrafficFlows() {
    try (KafkaProducer<byte[], byte[]> raw = kafka.rawProducer();
         KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
      raw.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "bad-garbage".getBytes(StandardCharsets.UTF_8),
          "{not avro}".getBytes(StandardCharsets.UTF_8)));
      raw.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "bad-schema".getBytes(StandardCharsets.UTF_8),
          new byte[] {0, 0, 0, 0x7f, 0x7e, 1, 2}));
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "bad-empty",
          CodeGenRequest.newBuilder(request("bad-empty", Priority.HIGH, 4)).setPrompt("").build()));
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "bad-model",
          CodeGenRequest.newBuilder(request("bad-model", Priority.HIGH, 4)).setModel("nope").build()));
      producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, "bad-ok", request("bad-ok", Priority.HIGH, 4)));
    }
    Map<String, List<CodeGenResult>> results = resultsFor("bad-", 3, Duration.ofMinutes(1));
    List<ConsumerRecord<byte[], byte[]>> dlq;
    try (KafkaConsumer<byte[], byte[]> consumer = kafka.deadLetterConsumer()) {
      dlq = KafkaFixture.pollUntil(consumer, Duration.ofSeconds(30), r -> r.size() >= 2);
    }

    assertThat(dlq).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("bad-garbage", "bad-schema");
    assertThat(dlq).allSatisfy(r -> assertThat(r.headers().lastHeader("codegen.dlq.reason")).isNotNull());
    assertThat(results.get("bad-empty")).singleElement().extracting(CodeGenResult::getStatus).isEqualTo(ResultStatus.REJECTED);
    assertThat(results.get("bad-model")).singleElement().extracting(CodeGenResult::getStatus).isEqualTo(ResultStatus.REJECTED);
    assertThat(results.get("bad-ok")).singleElement().extracting(CodeGenResult::getStatus).isEqualTo(ResultStatus.OK);
    assertThat(results).doesNotContainKeys("bad-garbage", "bad-schema");
  }

  @Test
  void shouldKeepHighLaneLatencyOnTargetWhenTheLowLaneIsFlooded() throws Exception {
    highLaneLatencies("hi-warm-", 2);
    long[] unloaded = highLaneLatencies("hi-idle-", 10);
    AtomicInteger flooded = new AtomicInteger();
    Thread flood = new Thread(() -> floodLowLane(flooded), "low-flood");
    flood.start();
    long[] underFlood;
    try {
      Thread.sleep(1_000);
      underFlood = highLaneLatencies("hi-flood-", 10);
    } finally {
      flood.interrupt();
      flood.join();
    }
    long unloadedP99 = Arrays.stream(unloaded).max().orElseThrow();
    long floodedP99 = Arrays.stream(underFlood).max().orElseThrow();
    long target = 3 * unloadedP99 + 300;

    assertThat(floodedP99).as("HIGH p99 under a LOW flood (unloaded p99 %d ms, target %d ms)", unloadedP99, target)
        .isLessThanOrEqualTo(target);
    assertThat(resultsFor("flood-", flooded.get(), Duration.ofMinutes(3))).as("the flood is served too").hasSize(flooded.get());
  }

  /** LOW requests at 400/s, with outputs long enough that this is more than the engine serves on this machine. */
  private static void floodLowLane(AtomicInteger sent) {
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer()) {
      while (!Thread.currentThread().isInterrupted()) {
        for (int i = 0; i < 20; i++) {
          String id = "flood-" + sent.getAndIncrement();
          producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, request(id, Priority.LOW, 48)));
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends HIGH requests one after another and returns their end-to-end latencies as seen by a client, in ms. */
  private static long[] highLaneLatencies(String prefix, int count) throws Exception {
    List<Long> latencies = new ArrayList<>();
    try (KafkaProducer<String, CodeGenRequest> producer = kafka.requestProducer();
         KafkaConsumer<String, CodeGenResult> consumer = kafka.resultConsumer()) {
      consumer.seekToEnd(consumer.assignment());
      consumer.assignment().forEach(consumer::position);
      for (int i = 0; i < count; i++) {
        String id = prefix + i;
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(CodegenTopics.REQUESTS, id, request(id, Priority.HIGH, 8))).get();
        List<ConsumerRecord<String, CodeGenResult>> read = KafkaFixture.pollUntil(consumer, Duration.ofSeconds(30),
            records -> records.stream().anyMatch(r -> r.key().equals(id)));
        assertThat(read).anyMatch(r -> r.key().equals(id));
        latencies.add((System.nanoTime() - sent) / 1_000_000);
        CodeGenResult r = read.stream().filter(x -> x.key().equals(id)).findFirst().orElseThrow().value();
        System.out.printf("%s client %d ms, end-to-end %d, queue %d, inference %d, batch %d%n", id,
            latencies.get(latencies.size() - 1), r.getEndToEndMs(), r.getQueueTimeMs(), r.getInferenceTimeMs(), r.getBatchSize());
      }
    }
    return latencies.stream().mapToLong(Long::longValue).toArray();
  }
}
