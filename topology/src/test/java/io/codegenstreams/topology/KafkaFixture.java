package io.codegenstreams.topology;

import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.TopicCreator;
import io.codegenstreams.embedded.registry.EmbeddedSchemaRegistry;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.RestSchemaRegistryClient;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A real broker and schema registry with the pipeline's topics and contracts, for integration tests. */
public final class KafkaFixture implements AutoCloseable {
  public final EmbeddedKafkaBroker broker;
  public final EmbeddedSchemaRegistry registry;

  public KafkaFixture(Path dir, int partitions) {
    broker = new EmbeddedKafkaBroker(dir, 0).start();
    registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "registry port").start();
    TopicCreator.ensure(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
        CodegenTopics.specs(TopologyConfig.defaults(), partitions, CodegenTopics.DEFAULT_IDEMPOTENCY_WINDOW));
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(serdeConfig())) {
      client.register(CodegenTopics.REQUESTS + "-value", CodeGenRequest.getClassSchema());
      client.register(CodegenTopics.RESULTS + "-value", CodeGenResult.getClassSchema());
      client.register(CodegenTopics.STREAM + "-value", io.codegenstreams.schemas.CodeGenChunk.getClassSchema());
    }
  }

  KafkaClients clients() {
    return new KafkaClients(broker.bootstrapServers(), registry.url());
  }

  public Map<String, Object> serdeConfig() {
    return clients().serdeConfig();
  }

  public Map<String, Object> clientProperties() {
    return clients().clientProperties();
  }

  public KafkaProducer<String, CodeGenRequest> requestProducer() {
    return clients().requestProducer();
  }

  public KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private Map<String, Object> producerProps() {
    return clients().producerProps();
  }

  /** A read_committed consumer of the whole results topic from the beginning. */
  public KafkaConsumer<String, CodeGenResult> resultConsumer() {
    return clients().resultConsumer();
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

  /** The pipeline on this broker and registry with default topology settings, RUNNING when this returns. */
  public CodegenPipeline startPipeline(Path stateDir, io.codegenstreams.inference.InferenceEngine engine,
                                       ModelCatalog models, PipelineListener listener) throws InterruptedException {
    CodegenPipeline pipeline = CodegenPipeline.start(new CodegenPipeline.Settings(TopologyConfig.defaults(),
        clientProperties(), registry.url(), stateDir, Map.of()), engine, models, listener, Duration.ofMinutes(2));
    if (pipeline.state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
      throw new IllegalStateException("pipeline is " + pipeline.state() + ", not RUNNING");
    }
    return pipeline;
  }

  /** Closes each resource that was created (non-null), in the order given: a test's @AfterAll. */
  public static void closeAll(AutoCloseable... resources) throws Exception {
    for (AutoCloseable r : resources) {
      if (r != null) {
        r.close();
      }
    }
  }
}
