package io.codegenstreams.topology;

import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.TopicCreator;
import io.codegenstreams.embedded.registry.EmbeddedSchemaRegistry;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A real broker and schema registry with the pipeline's topics and contracts, for integration tests. */
public final class KafkaFixture implements AutoCloseable {
  public final EmbeddedKafkaBroker broker;
  public final EmbeddedSchemaRegistry registry;

  public KafkaFixture(Path dir, int partitions) {
    broker = new EmbeddedKafkaBroker(dir, 0).start();
    registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "registry port").start();
    TopicCreator.ensure(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
        CodegenTopics.specs(TopologyConfig.defaults(), partitions, Duration.ofHours(1)));
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(serdeConfig())) {
      client.register(CodegenTopics.REQUESTS + "-value", CodeGenRequest.getClassSchema());
      client.register(CodegenTopics.RESULTS + "-value", CodeGenResult.getClassSchema());
    }
  }

  public Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registry.url());
  }

  public Map<String, Object> clientProperties() {
    return Map.of("bootstrap.servers", broker.bootstrapServers());
  }

  public KafkaProducer<String, CodeGenRequest> requestProducer() {
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serdeConfig(), false);
    return new KafkaProducer<>(producerProps(), new StringSerializer(), values);
  }

  public KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private Map<String, Object> producerProps() {
    Map<String, Object> props = new HashMap<>(clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return props;
  }

  /** A read_committed consumer of the whole results topic from the beginning. */
  public KafkaConsumer<String, CodeGenResult> resultConsumer() {
    Map<String, Object> props = new HashMap<>(clientProperties());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    SpecificAvroDeserializer<CodeGenResult> values = new SpecificAvroDeserializer<>(CodeGenResult.class);
    values.configure(serdeConfig(), false);
    KafkaConsumer<String, CodeGenResult> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
    List<TopicPartition> partitions = consumer.partitionsFor(CodegenTopics.RESULTS).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  public KafkaConsumer<byte[], byte[]> deadLetterConsumer() {
    Map<String, Object> props = new HashMap<>(clientProperties());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    TopicPartition tp = new TopicPartition(CodegenTopics.REQUESTS_DLQ, 0);
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
    return consumer;
  }

  /** Polls until {@code done} holds for what was read, or the timeout passes; returns everything read. */
  public static <K, V> List<ConsumerRecord<K, V>> pollUntil(KafkaConsumer<K, V> consumer, Duration timeout,
                                                            Predicate<List<ConsumerRecord<K, V>>> done) {
    List<ConsumerRecord<K, V>> read = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(read) && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(read::add);
    }
    return read;
  }

  @Override
  public void close() {
    registry.close();
    broker.close();
  }
}
