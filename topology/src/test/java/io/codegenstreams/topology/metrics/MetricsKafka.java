package io.codegenstreams.topology.metrics;

import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.TopicCreator;
import io.codegenstreams.embedded.registry.EmbeddedSchemaRegistry;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import io.codegenstreams.topology.CodegenTopics;
import io.codegenstreams.topology.TopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A real single-node broker and schema registry with the pipeline's topics and contracts registered. */
final class MetricsKafka implements AutoCloseable {
  final EmbeddedKafkaBroker broker;
  final EmbeddedSchemaRegistry registry;

  MetricsKafka(Path dir, int partitions) {
    broker = new EmbeddedKafkaBroker(dir, 0).start();
    registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "registry port").start();
    TopicCreator.ensure(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
        CodegenTopics.specs(TopologyConfig.defaults(), partitions, Duration.ofHours(1)));
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(serdeConfig())) {
      client.register(CodegenTopics.REQUESTS + "-value", CodeGenRequest.getClassSchema());
      client.register(CodegenTopics.RESULTS + "-value", CodeGenResult.getClassSchema());
    }
  }

  Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registry.url());
  }

  Map<String, Object> clientProperties() {
    return Map.of("bootstrap.servers", broker.bootstrapServers());
  }

  KafkaProducer<String, CodeGenRequest> requestProducer() {
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serdeConfig(), false);
    return new KafkaProducer<>(producerProps(), new StringSerializer(), values);
  }

  KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private Map<String, Object> producerProps() {
    Map<String, Object> props = new HashMap<>(clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return props;
  }

  /** A read_committed consumer of the whole results topic from the beginning. */
  KafkaConsumer<String, CodeGenResult> resultConsumer() {
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

  @Override
  public void close() {
    registry.close();
    broker.close();
  }
}
