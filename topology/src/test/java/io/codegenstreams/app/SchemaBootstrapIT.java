package io.codegenstreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.serde.SerdeException;
import io.codegenstreams.serde.SpecificAvroSerializer;
import io.codegenstreams.topology.KafkaFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contracts are registered under the configured topic names, so producers with auto-registration off work. */
@Tag("integration")
class SchemaBootstrapIT {

  @Test
  void shouldLetProducersSerializeWithoutAutoRegistrationWhenTopicsAreRenamed(@TempDir Path dir) throws Exception {
    try (KafkaFixture kafka = new KafkaFixture(dir, 1)) {
      Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, kafka.registry.url(),
          AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
      CodeGenRequest request = CodeGenRequest.newBuilder().setRequestId("r1").setPrompt("class A {").build();
      try (SpecificAvroSerializer<CodeGenRequest> serializer = new SpecificAvroSerializer<>()) {
        serializer.configure(serde, false);
        assertThatThrownBy(() -> serializer.serialize("team.requests", request))
            .as("nothing registered under the renamed topic yet").isInstanceOf(SerdeException.class).hasMessageContaining("not registered");

        SchemaBootstrap.registerContracts(kafka.registry.url(), Map.of(), new io.codegenstreams.topology.TopologyConfig(
            Map.of("requests.topic", "team.requests", "results.topic", "team.results", "stream.topic", "team.stream")));

        assertThat(serializer.serialize("team.requests", request)).isNotEmpty();
      }
      try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(serde)) {
        assertThat(client.subjects()).contains("team.requests-value", "team.results-value");
      }
    }
  }
}
