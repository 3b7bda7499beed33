package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producers and consumers of the pipeline's topics for command-line clients (string keys, Avro values). */
final class ClientFactory {
  private ClientFactory() {}

  static Map<String, Object> serdeConfig(ConnectionOptions connection) {
    Map<String, Object> config = new HashMap<>(connection.clientProperties());
    config.put("schema.registry.url", connection.schemaRegistryUrl());
    return config;
  }

  static KafkaProducer<String, CodeGenRequest> requestProducer(ConnectionOptions connection) {
    Map<String, Object> props = base(connection);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // One record per process: an idempotent producer would first fetch a producer id, which the request's latency
    // would then include.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    SpecificAvroSerializer<CodeGenRequest> values = new SpecificAvroSerializer<>();
    values.configure(serdeConfig(connection), false);
    return new KafkaProducer<>(props, new StringSerializer(), values);
  }

  static KafkaConsumer<String, CodeGenResult> resultConsumer(ConnectionOptions connection) {
    return consumer(connection, CodeGenResult.class);
  }

  /** Reads the stream topic (its records are not transactional: they are visible as soon as they are written). */
  static KafkaConsumer<String, CodeGenChunk> chunkConsumer(ConnectionOptions connection) {
    return consumer(connection, CodeGenChunk.class);
  }

  private static <T extends SpecificRecord> KafkaConsumer<String, T> consumer(ConnectionOptions connection,
                                                                             Class<T> type) {
    Map<String, Object> props = base(connection);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>(type);
    values.configure(serdeConfig(connection), false);
    return new KafkaConsumer<>(props, new StringDeserializer(), values);
  }

  private static Map<String, Object> base(ConnectionOptions connection) {
    Map<String, Object> props = new HashMap<>(connection.clientProperties());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
    return props;
  }
}
