package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.serde.SpecificAvroSerializer;
import io.codegenstreams.topology.ChunkSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's producer of the stream topic: idempotent, not transactional (a chunk is useful only while its
 * request runs, so it must not wait for the task's next commit), no linger. Chunks that cannot be sent are counted
 * and logged; the request's result is unaffected.
 */
public final class ChunkProducer implements ChunkSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChunkProducer.class);

  private final String topic;
  private final KafkaProducer<String, CodeGenChunk> producer;
  private final AtomicLong failed = new AtomicLong();

  /** @param serdeConfig client settings plus the registry's ({@code schema.registry.url} and its options) */
  public ChunkProducer(String topic, Map<String, Object> clientProperties, Map<String, Object> serdeConfig) {
    this.topic = topic;
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "codegen-chunks");
    SpecificAvroSerializer<CodeGenChunk> values = new SpecificAvroSerializer<>();
    values.configure(serdeConfig, false);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), values);
  }

  @Override
  public void send(CodeGenChunk chunk) {
    try {
      producer.send(new ProducerRecord<>(topic, chunk.getRequestId(), chunk), (metadata, error) -> {
        if (error != null) {
          failed(chunk, error);
        }
      });
    } catch (RuntimeException e) { // serialization (no schema registered for the topic), or the producer closed
      failed(chunk, e);
    }
  }

  private void failed(CodeGenChunk chunk, Exception error) {
    if (failed.incrementAndGet() == 1) {
      log.warn("a chunk of request {} could not be written to {} (further failures are only counted): {}",
          chunk.getRequestId(), topic, error.toString());
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
