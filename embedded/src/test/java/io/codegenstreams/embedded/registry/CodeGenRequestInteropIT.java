package io.codegenstreams.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.NodeTools;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.Priority;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.SpecificAvroDeserializer;
import io.codegenstreams.serde.SpecificAvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with a Confluent-compatible client not written here: the npm package
 * {@code @kafkajs/confluent-schema-registry} registers CodeGenRequest through the embedded registry, encodes and
 * decodes a request, decodes bytes the Java serializer wrote; the Java deserializer then decodes the bytes Node wrote.
 * Needs {@code node} and {@code npm} on the PATH (CI installs them); runs {@code npm ci} when node_modules is missing.
 */
@Tag("integration")
class CodeGenRequestInteropIT {
  private static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).resolve("src/test/interop");
  private static final String SUBJECT = "interop-requests-value";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  @Test
  void shouldDecodeTheSameFieldsInNodeAndJavaWhenEitherSideWroteTheBytes() throws Exception {
    NodeTools.requireProject(PROJECT, "@kafkajs/confluent-schema-registry");
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0).start();
         EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "x").start()) {
      Map<String, Object> configs = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
          AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
      CodeGenRequest javaRequest = CodeGenRequest.newBuilder().setRequestId("java-1").setPrompt("class A {")
          .setModel(null).setPriority(Priority.LOW).setMaxNewTokens(16).setTemperature(0.25f).setTopK(0)
          .setStop(List.of("}")).setSeed(7L).setDeadline(Instant.ofEpochMilli(1800000000000L))
          .setCreatedAt(Instant.ofEpochMilli(1700000000123L)).setMetadata(Map.of("user", "ada")).build();
      byte[] javaBytes;
      try (SpecificAvroSerializer<CodeGenRequest> serializer = new SpecificAvroSerializer<>()) {
        serializer.configure(configs, false);
        javaBytes = serializer.serialize("interop-requests", javaRequest);
      }

      Path schemaFile = dataDir.resolve("CodeGenRequest.avsc");
      // Pretty-printed on purpose: the registry must recognise the same schema in another layout.
      Files.writeString(schemaFile, JSON.readTree(CodeGenRequest.getClassSchema().toString()).toPrettyString());
      Path out = dataDir.resolve("interop-result.json");
      NodeTools.run(PROJECT, List.of("node", "interop.js", registry.url(), schemaFile.toString(), SUBJECT,
          HexFormat.of().formatHex(javaBytes), out.toString()), 120);
      JsonNode result = JSON.readTree(Files.readString(out));

      int javaId = java.nio.ByteBuffer.wrap(javaBytes, 1, 4).getInt();
      assertThat(result.path("id").asInt()).as("same schema text in another layout gets the same global id")
          .isEqualTo(javaId);
      assertThat(result.path("fetchedId").asInt()).isEqualTo(javaId);

      JsonNode fromJava = result.path("javaDecoded");
      assertThat(fromJava.path("request_id").asText()).isEqualTo("java-1");
      assertThat(fromJava.path("prompt").asText()).isEqualTo("class A {");
      assertThat(fromJava.path("model").isNull()).isTrue();
      assertThat(fromJava.path("priority").asText()).isEqualTo("LOW");
      assertThat(fromJava.path("max_new_tokens").asInt()).isEqualTo(16);
      assertThat(fromJava.path("temperature").floatValue()).isEqualTo(0.25f);
      assertThat(fromJava.path("stop").get(0).asText()).isEqualTo("}");
      assertThat(fromJava.path("seed").asLong()).isEqualTo(7L);
      assertThat(fromJava.path("deadline").asLong()).isEqualTo(1800000000000L);
      assertThat(fromJava.path("created_at").asLong()).isEqualTo(1700000000123L);
      assertThat(fromJava.path("metadata").path("user").asText()).isEqualTo("ada");
      assertThat(result.path("nodeRoundTrip").path("request_id").asText()).isEqualTo("node-1");

      try (SpecificAvroDeserializer<CodeGenRequest> deserializer = new SpecificAvroDeserializer<>(CodeGenRequest.class)) {
        deserializer.configure(configs, false);
        CodeGenRequest fromNode = deserializer.deserialize("interop-requests",
            HexFormat.of().parseHex(result.path("nodeHex").asText()));
        assertThat(fromNode.getRequestId()).isEqualTo("node-1");
        assertThat(fromNode.getPrompt()).isEqualTo("fn main() {");
        assertThat(fromNode.getModel()).isEqualTo("java-coder-3m");
        assertThat(fromNode.getPriority()).isEqualTo(Priority.HIGH);
        assertThat(fromNode.getMaxNewTokens()).isEqualTo(32);
        assertThat(fromNode.getTemperature()).isEqualTo(0.5f);
        assertThat(fromNode.getTopK()).isEqualTo(3);
        assertThat(fromNode.getStop()).containsExactly("}", "\n\n");
        assertThat(fromNode.getSeed()).isEqualTo(42L);
        assertThat(fromNode.getDeadline()).isNull();
        assertThat(fromNode.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
        assertThat(fromNode.getMetadata()).containsEntry("editor", "vim");
      }
    }
  }
}
