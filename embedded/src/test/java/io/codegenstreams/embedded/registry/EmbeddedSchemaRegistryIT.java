package io.codegenstreams.embedded.registry;

import static io.codegenstreams.embedded.registry.RawHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.embedded.EmbeddedKafkaBroker;
import io.codegenstreams.embedded.PortInUseException;
import io.codegenstreams.embedded.registry.RawHttp.Answer;
import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.AvroSerdeConfig;
import io.codegenstreams.serde.CompatibilityLevel;
import io.codegenstreams.serde.IncompatibleSchemaException;
import io.codegenstreams.serde.RestSchemaRegistryClient;
import io.codegenstreams.serde.SchemaNotFoundException;
import io.codegenstreams.serde.SubjectNotFoundException;
import io.codegenstreams.serde.VersionNotFoundException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedSchemaRegistryIT {
  private static final Schema REQUEST = CodeGenRequest.getClassSchema();
  private static final Schema REQUEST_WITH_REQUIRED_FIELD = SchemaBuilder.record("CodeGenRequest")
      .namespace("io.codegenstreams.schemas").fields()
      .requiredString("request_id").requiredString("prompt").requiredInt("mandatory_new_field").endRecord();

  @TempDir static Path sharedDir;
  static EmbeddedKafkaBroker broker;
  static EmbeddedSchemaRegistry registry;

  @BeforeAll
  static void start() {
    broker = new EmbeddedKafkaBroker(sharedDir, 0).start();
    registry = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "--registry-port").start();
  }

  @AfterAll
  static void stop() {
    registry.close();
    broker.close();
  }

  private static RestSchemaRegistryClient client(String url) {
    return new RestSchemaRegistryClient(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url, AvroSerdeConfig.MAX_RETRIES, 0));
  }

  @Test
  void shouldRegisterLookUpAndListVersionsWhenSchemasAreRegistered() {
    try (RestSchemaRegistryClient client = client(registry.url())) {
      int id = client.register("lookup-value", REQUEST);
      assertThat(client.register("lookup-value", REQUEST)).isEqualTo(id);
      assertThat(client.register("lookup-copy-value", REQUEST)).as("same schema, other subject: same global id").isEqualTo(id);
      assertThat(client.lookup("lookup-value", REQUEST).version()).isEqualTo(1);
      assertThat(client.schemaById(id)).isEqualTo(REQUEST);
      assertThat(client.latestVersion("lookup-value").id()).isEqualTo(id);
      assertThat(client.version("lookup-value", 1).schema()).isEqualTo(REQUEST);
      assertThat(client.versions("lookup-value")).containsExactly(1);
      assertThat(client.subjects()).contains("lookup-value", "lookup-copy-value");
      assertThatThrownBy(() -> client.lookup("lookup-value", CodeGenResult.getClassSchema()))
          .isInstanceOf(SchemaNotFoundException.class);
      assertThatThrownBy(() -> client.latestVersion("no-such-subject")).isInstanceOf(SubjectNotFoundException.class);
      assertThatThrownBy(() -> client.version("lookup-value", 9)).isInstanceOf(VersionNotFoundException.class);
    }
  }

  @Test
  void shouldRejectAnIncompatibleSchemaWith409UntilTheSubjectRuleAllowsIt() {
    try (RestSchemaRegistryClient client = client(registry.url())) {
      client.register("compat-value", REQUEST);
      assertThat(client.isCompatible("compat-value", REQUEST_WITH_REQUIRED_FIELD)).isFalse();
      assertThatThrownBy(() -> client.register("compat-value", REQUEST_WITH_REQUIRED_FIELD))
          .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(409);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains("mandatory_new_field");
          });
      assertThat(client.subjectCompatibility("compat-value")).isEmpty();
      assertThat(client.setCompatibility("compat-value", CompatibilityLevel.NONE)).isEqualTo(CompatibilityLevel.NONE);
      assertThat(client.subjectCompatibility("compat-value")).contains(CompatibilityLevel.NONE);
      assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
      assertThat(client.register("compat-value", REQUEST_WITH_REQUIRED_FIELD)).isPositive();
      assertThat(client.isCompatible("compat-value", 1, REQUEST_WITH_REQUIRED_FIELD)).isTrue();
      assertThat(client.versions("compat-value")).containsExactly(1, 2);
    }
  }

  @Test
  void shouldAnswerConfluentErrorCodesAndKeepServingWhenInputIsBroken() {
    RawHttp http = new RawHttp(registry.url());
    Answer badJson = http.post("/subjects/broken-value/versions", "{\"schema\": ");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.errorCode()).isEqualTo(400);
    assertThat(badJson.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");

    Answer invalidAvro = http.post("/subjects/broken-value/versions", schemaBody("{\"type\":\"record\",\"name\":\"X\"}"));
    assertThat(invalidAvro.status()).isEqualTo(422);
    assertThat(invalidAvro.errorCode()).isEqualTo(42201);

    Answer protobuf = http.post("/subjects/broken-value/versions",
        "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
    assertThat(protobuf.errorCode()).isEqualTo(42201);
    assertThat(protobuf.body().path("message").asText()).contains("AVRO");

    assertThat(http.get("/subjects/never-registered/versions").errorCode()).isEqualTo(40401);
    assertThat(http.get("/subjects/never-registered/versions/latest").status()).isEqualTo(404);
    assertThat(http.get("/schemas/ids/987654").errorCode()).isEqualTo(40403);
    Answer badVersion = http.get("/subjects/never-registered/versions/abc");
    assertThat(badVersion.status()).isEqualTo(422);
    assertThat(badVersion.errorCode()).isEqualTo(42202);
    assertThat(http.send("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}", "application/json").errorCode())
        .isEqualTo(42203);
    assertThat(http.get("/config/never-registered").errorCode()).isEqualTo(40408);
    assertThat(http.get("/no/such/path").status()).isEqualTo(404);
    assertThat(http.send("DELETE", "/subjects", null, null).status()).isEqualTo(405);
    assertThat(http.send("POST", "/subjects/broken-value/versions", schemaBody("\"string\""), "text/plain").status())
        .isEqualTo(415);

    Answer stillServing = http.send("POST", "/subjects/broken-value/versions", schemaBody("\"string\""),
        "application/octet-stream");
    assertThat(stillServing.status()).isEqualTo(200);
    assertThat(stillServing.body().path("id").asInt()).isPositive();
    Answer plainJson = http.send("POST", "/subjects/broken-value", schemaBody("\"string\""), "application/json");
    assertThat(plainJson.body().path("version").asInt()).isEqualTo(1);
    assertThat(http.get("/subjects/broken-value/versions/1").body().path("schema").asText()).isEqualTo("\"string\"");
  }

  @Test
  void shouldKeepIdsAndConfigWhenTheRegistryRestartsOnTheSameBroker() {
    int id;
    try (RestSchemaRegistryClient client = client(registry.url())) {
      client.register("restart-padding-value", SchemaBuilder.record("Pad").fields().requiredLong("x").endRecord());
      id = client.register("restart-value", REQUEST);
      client.setCompatibility("restart-value", CompatibilityLevel.FULL_TRANSITIVE);
    }
    try (EmbeddedSchemaRegistry second = new EmbeddedSchemaRegistry(broker.bootstrapServers(), 0, "--registry-port").start();
         RestSchemaRegistryClient client = client(second.url())) {
      assertThat(client.lookup("restart-value", REQUEST).id()).isEqualTo(id);
      assertThat(client.schemaById(id)).isEqualTo(REQUEST);
      assertThat(client.subjectCompatibility("restart-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
    }
  }

  @Test
  void shouldKeepIdsWhenTheBrokerRestartsOnTheSameDataDir(@TempDir Path dataDir) {
    int requestId;
    int resultId;
    try (EmbeddedKafkaBroker ownBroker = new EmbeddedKafkaBroker(dataDir, 0).start();
         EmbeddedSchemaRegistry ownRegistry = new EmbeddedSchemaRegistry(ownBroker.bootstrapServers(), 0, "x").start();
         RestSchemaRegistryClient client = client(ownRegistry.url())) {
      requestId = client.register("requests-value", REQUEST);
      resultId = client.register("results-value", CodeGenResult.getClassSchema());
    }
    try (EmbeddedKafkaBroker ownBroker = new EmbeddedKafkaBroker(dataDir, 0).start();
         EmbeddedSchemaRegistry ownRegistry = new EmbeddedSchemaRegistry(ownBroker.bootstrapServers(), 0, "x").start();
         RestSchemaRegistryClient client = client(ownRegistry.url())) {
      assertThat(client.schemaById(requestId)).isEqualTo(REQUEST);
      assertThat(client.schemaById(resultId)).isEqualTo(CodeGenResult.getClassSchema());
      assertThat(client.register("results-value", CodeGenResult.getClassSchema())).isEqualTo(resultId);
      int next = client.register("another-value", SchemaBuilder.record("Other").fields().requiredInt("n").endRecord());
      assertThat(next).as("new ids continue after the persisted ones").isEqualTo(Math.max(requestId, resultId) + 1);
    }
  }

  @Test
  void shouldNameTheSettingWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      EmbeddedSchemaRegistry blocked = new EmbeddedSchemaRegistry(broker.bootstrapServers(), taken.getLocalPort(),
          "--registry-port");
      assertThatThrownBy(blocked::start)
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("--registry-port")
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }
  }
}
