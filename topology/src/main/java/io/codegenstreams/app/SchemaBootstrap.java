package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenChunk;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.topology.TopologyConfig;
import java.util.Map;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the pipeline's value contracts under the TopicNameStrategy subjects of the configured topics
 * ({@code requests.topic}, {@code results.topic}, {@code stream.topic}), so clients can run with
 * {@code auto.register.schemas=false} (the production setting). Registering the same schema again is a no-op
 * returning the same id; an incompatible change is refused by the registry (409).
 */
final class SchemaBootstrap {
  private static final Logger log = LoggerFactory.getLogger(SchemaBootstrap.class);

  private SchemaBootstrap() {}

  static void registerContracts(String registryUrl, Map<String, ?> clientConfig, TopologyConfig topics) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config)) {
      for (Map.Entry<String, Schema> contract : Map.of(
          topics.getString(TopologyConfig.REQUESTS_TOPIC), CodeGenRequest.getClassSchema(),
          topics.getString(TopologyConfig.RESULTS_TOPIC), CodeGenResult.getClassSchema(),
          topics.getString(TopologyConfig.STREAM_TOPIC), CodeGenChunk.getClassSchema()).entrySet()) {
        int id = client.register(contract.getKey() + "-value", contract.getValue());
        log.info("schema {} registered under {}-value: id {}", contract.getValue().getName(), contract.getKey(), id);
      }
    }
  }
}
