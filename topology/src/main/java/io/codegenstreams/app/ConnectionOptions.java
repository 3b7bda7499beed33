package io.codegenstreams.app;

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
