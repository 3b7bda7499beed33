package io.codegenstreams.perf.bench;

import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.TopicCreator;
import io.codegenstreams.embedded.TopicSpec;
import io.codegenstreams.embedded.registry.EmbeddedSchemaRegistry;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.topology.CodegenTopics;
import io.codegenstreams.topology.TopologyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private Kafka for one perf run: the embedded KRaft broker and schema registry on free ports, the pipeline's
 * topics (12 partitions, as {@code codegen run}) and a topic for the raw Kafka limit; all data in a temporary
 * directory removed on close.
 */
public final class PerfCluster implements AutoCloseable {
  public static final String RAW_TOPIC = "perf.raw";
  static final int PARTITIONS = CodegenTopics.DEFAULT_PARTITIONS;

  private final Path dir;
  private final EmbeddedKafkaBroker broker;
  private final EmbeddedSchemaRegistry registry;

  private PerfCluster(Path dir, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
    this.dir = dir;
    this.broker = broker;
    this.registry = registry;
  }

  public static PerfCluster start() throws IOException {
    Path dir = Files.createTempDirectory("codegen-perf-");
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start();
    EmbeddedSchemaRegistry registry;
    try {
      registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "registry port").start();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    PerfCluster cluster = new PerfCluster(dir, broker, registry);
    List<TopicSpec> topics = new java.util.ArrayList<>(
        CodegenTopics.specs(TopologyConfig.defaults(), PARTITIONS, Duration.ofHours(1)));
    topics.add(new TopicSpec(RAW_TOPIC, PARTITIONS, Map.of()));
    TopicCreator.ensure(cluster.clientProperties(), topics);
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()))) {
      client.register(CodegenTopics.REQUESTS + "-value", CodeGenRequest.getClassSchema());
      client.register(CodegenTopics.RESULTS + "-value", CodeGenResult.getClassSchema());
      client.register(CodegenTopics.STREAM + "-value", io.codegenstreams.schemas.CodeGenChunk.getClassSchema());
    }
    return cluster;
  }

  public Map<String, Object> clientProperties() {
    return Map.of("bootstrap.servers", broker.bootstrapServers());
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  public Path stateDir() {
    return dir.resolve("streams");
  }

  @Override
  public void close() {
    registry.close();
    broker.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
