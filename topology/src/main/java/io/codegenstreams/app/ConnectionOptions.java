package io.codegenstreams.app;

import io.codegenstreams.topology.TopologyConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the cluster and the schema registry are, shared by every subcommand that talks to them. */
public final class ConnectionOptions {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

  @Option(names = {"--bootstrap-servers", "--bootstrap-server"}, paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (--bootstrap-server, as Kafka's tools spell it, works too). Default for run: start an embedded broker; otherwise " + DEFAULT_BOOTSTRAP + ".")
  String bootstrapServers;

  @Option(names = "--schema-registry-url", paramLabel = "URL",
      description = "Confluent-compatible schema registry. Default for run: start an embedded one; otherwise " + DEFAULT_REGISTRY + ".")
  String schemaRegistryUrl;

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client properties (SASL, TLS, ...) applied to every producer, consumer and admin client.")
  Path kafkaConfig;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Pipeline and engine settings (properties): topology keys such as lane.high.max.pending and engine"
          + " keys such as batch.max.size, default.model; see the README's configuration reference. Every command"
          + " reads the topic names from it (requests.topic, results.topic, stream.topic), so give all of them the"
          + " file run was given.")
  Path configFile;

  /** The settings of {@code --config}, empty when none was given. */
  public Map<String, String> settings() {
    return PropertiesFile.read(configFile, "--config");
  }

  /** The topic names (and other topology settings) of {@code --config}, defaults where it has none. */
  public TopologyConfig topology() {
    return new TopologyConfig(settings());
  }

  public String requestsTopic() {
    return topology().getString(TopologyConfig.REQUESTS_TOPIC);
  }

  public String resultsTopic() {
    return topology().getString(TopologyConfig.RESULTS_TOPIC);
  }

  public String streamTopic() {
    return topology().getString(TopologyConfig.STREAM_TOPIC);
  }

  public boolean external() {
    return bootstrapServers != null;
  }

  public String bootstrapServers() {
    return bootstrapServers != null ? bootstrapServers : DEFAULT_BOOTSTRAP;
  }

  public String schemaRegistryUrl() {
    return schemaRegistryUrl != null ? schemaRegistryUrl : DEFAULT_REGISTRY;
  }

  /** The pass-through client properties from {@code --kafka-config}, empty when none was given. */
  public Map<String, Object> clientProperties() {
    return new HashMap<>(PropertiesFile.read(kafkaConfig, "--kafka-config"));
  }
}
