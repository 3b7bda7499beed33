package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the pipeline's value contracts under the TopicNameStrategy subjects of the configured topics
 * ({@code requests.topic}, {@code results.topic}), so clients can run with
 * {@code auto.register.schemas=false} (the production setting). Registering the same schema again is a no-op
 * returning the same id; an incompatible change is refused by the registry (409).
 */
final class SchemaBootstrap {
  private static final Logger log = LoggerFactory.getLogger(SchemaBootstrap.class);

  private SchemaBootstrap() {}

  static void registerContracts(String registryUrl, Map<String, ?> clientConfig, String requestsTopic,
                                String resultsTopic) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config)) {
      int request = client.register(requestsTopic + "-value", CodeGenRequest.getClassSchema());
      int result = client.register(resultsTopic + "-value", CodeGenResult.getClassSchema());
      log.info("schemas registered: {}-value id {}, {}-value id {}", requestsTopic, request, resultsTopic, result);
    }
  }
}
