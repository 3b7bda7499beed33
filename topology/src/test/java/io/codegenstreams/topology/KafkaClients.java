package io.codegenstreams.topology;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The pipeline's clients for a cluster at a given address: request producer, results consumer. */
record KafkaClients(String bootstrapServers, String schemaRegistryUrl) {

  Map<String, Object> clientProperties() {
    return Map.of("bootstrap.servers", bootstrapServers);
  }

  Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", schemaRegistryUrl);
  }

  Map<String, Object> producerProps() {
    Map<String, Object> props = new HashMap<>(clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return props;
  }

  KafkaProducer<String, CodeGenRequest> requestProducer() {
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serdeConfig(), false);
    return new KafkaProducer<>(producerProps(), new StringSerializer(), values);
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

  /**
   * Every committed result by request id, once {@code expected} distinct ids are there (or {@code timeout}
   * passed), plus whatever arrives in two more seconds: a duplicate committed late still shows.
   */
  Map<String, List<CodeGenResult>> allResults(int expected, Duration timeout) {
    try (KafkaConsumer<String, CodeGenResult> consumer = resultConsumer()) {
      List<ConsumerRecord<String, CodeGenResult>> read = new ArrayList<>(KafkaFixture.pollUntil(consumer, timeout,
          records -> records.stream().map(ConsumerRecord::key).distinct().count() >= expected));
      read.addAll(KafkaFixture.pollUntil(consumer, Duration.ofSeconds(2), records -> false));
      return read.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
          Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
    }
  }
}
