package io.codegenstreams.perf.load;

import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.perf.workload.Prompts;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.schemas.ResultStatus;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to the pipeline's requests topic as a client would (Avro, keyed by request id, {@code acks=all})
 * and reads the results topic with {@code isolation.level=read_committed}, so a latency ends when the result's
 * transaction has committed: what a client can see.
 */
public final class KafkaSink implements RequestSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
  /** Diagnostics: results slower than this many ms end to end are logged with where their time went (0: off). */
  private static final long TRACE_SLOW_MS = Long.getLong("codegen.perf.traceSlowMs", 0);
  /** Diagnostics: only results of this lane are traced (all when unset). */
  private static final String TRACE_LANE = System.getProperty("codegen.perf.traceLane", "");
  private final String requestsTopic;
  private final KafkaProducer<String, CodeGenRequest> producer;
  private final KafkaConsumer<String, CodeGenResult> consumer;
  private final Thread reader;
  private volatile ResultTracker tracker;
  private volatile boolean closed;

  public KafkaSink(Map<String, Object> clientProperties, String registryUrl, String requestsTopic, String resultsTopic) {
    this.requestsTopic = requestsTopic;
    Map<String, Object> serde = new HashMap<>(clientProperties);
    serde.put("schema.registry.url", registryUrl);

    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serde, false);
    producer = new KafkaProducer<>(p, new StringSerializer(), values);

    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    SpecificAvroDeserializer<CodeGenResult> results = new SpecificAvroDeserializer<>(CodeGenResult.class);
    results.configure(serde, false);
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), results);
    List<TopicPartition> partitions = consumer.partitionsFor(resultsTopic).stream()
        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve "end" now, before any request is sent
    reader = new Thread(this::read, "perf-results-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, CodeGenResult> r : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          ResultTracker t = tracker;
          if (t != null && r.value() != null) {
            CodeGenResult v = r.value();
            if (TRACE_SLOW_MS > 0) {
              trace(v, t.laneOf(r.key()));
            }
            t.answered(r.key(), outcome(v.getStatus()), v.getCached(), now, v.getQueueTimeMs(), v.getInferenceTimeMs());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private static void trace(CodeGenResult v, Priority lane) {
    long readMs = System.currentTimeMillis() - v.getCompletedAt().toEpochMilli();
    boolean traced = TRACE_LANE.isEmpty() || TRACE_LANE.equals(String.valueOf(lane));
    if (traced && v.getEndToEndMs() + readMs >= TRACE_SLOW_MS) {
      LOG.info("slow result {} ({}): {} ms = created->forwarded {} ms (queue {} ms, inference {} ms, batch {}) + "
              + "forwarded->read {} ms", v.getRequestId(), lane, v.getEndToEndMs() + readMs, v.getEndToEndMs(),
          v.getQueueTimeMs(), v.getInferenceTimeMs(), v.getBatchSize(), readMs);
    }
  }

  private static Outcome outcome(ResultStatus status) {
    return switch (status) {
      case OK -> Outcome.OK;
      case TIMEOUT -> Outcome.TIMEOUT;
      case REJECTED -> Outcome.REJECTED;
      case FAILED -> Outcome.FAILED;
      case CANCELLED -> Outcome.CANCELLED;
    };
  }

  @Override
  public void attach(ResultTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public void send(PlannedRequest r, Instant createdAt, Instant deadline) {
    CodeGenRequest request = CodeGenRequest.newBuilder()
        .setRequestId(r.id())
        .setPrompt(Prompts.ofLength(r.promptBytes()))
        .setPriority(r.lane())
        .setMaxNewTokens(r.maxNewTokens())
        .setDeadline(deadline)
        .setCreatedAt(createdAt)
        .build();
    producer.send(new ProducerRecord<>(requestsTopic, r.id(), request));
  }

  @Override
  public String name() {
    return "pipeline";
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
  }
}
