package io.codegenstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.codegenstreams.schemas.CodeGenRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted HTTP server: what it sends, how it retries, how it maps errors. */
class RestSchemaRegistryClientTest {
  record Seen(String method, String rawPath, String contentType, String accept, String authorization, String body) {}

  private record Reply(int status, String body) {}

  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private synchronized void answer(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
        exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Accept"),
        exchange.getRequestHeaders().getFirst("Authorization"), body));
    Reply reply = replies.isEmpty() ? new Reply(500, "{\"error_code\":50001,\"message\":\"no reply scripted\"}")
        : replies.poll();
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private RestSchemaRegistryClient client(Map<String, Object> extra) {
    Map<String, Object> configs = new java.util.HashMap<>(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url(),
        AvroSerdeConfig.RETRIES_WAIT_MS, 1, AvroSerdeConfig.MAX_RETRIES, 2));
    configs.putAll(extra);
    return new RestSchemaRegistryClient(configs);
  }

  @Test
  void shouldPostTheSchemaWithConfluentMediaTypesAndEncodeTheSubjectWhenRegistering() {
    replies.add(new Reply(200, "{\"id\":21}"));
    try (RestSchemaRegistryClient client = client(Map.of())) {
      assertThat(client.register("team/a b+c", CodeGenRequest.getClassSchema())).isEqualTo(21);
      assertThat(client.register("team/a b+c", CodeGenRequest.getClassSchema())).as("cached").isEqualTo(21);
      assertThat(client.schemaById(21)).as("cached from the registration").isEqualTo(CodeGenRequest.getClassSchema());
    }
    assertThat(seen).hasSize(1);
    Seen request = seen.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.rawPath()).isEqualTo("/subjects/team%2Fa%20b%2Bc/versions");
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(request.accept()).startsWith("application/vnd.schemaregistry.v1+json");
    assertThat(request.body()).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
  }

  @Test
  void shouldRetryWhenTheRegistryAnswers5xxAndSucceedOnALaterAttempt() {
    replies.add(new Reply(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}"));
    replies.add(new Reply(500, "not json at all"));
    replies.add(new Reply(200, "{\"schema\":\"\\\"string\\\"\"}"));
    try (RestSchemaRegistryClient client = client(Map.of())) {
      assertThat(client.schemaById(5).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
    }
    assertThat(seen).hasSize(3);
  }

  @Test
  void shouldGiveUpAsRetriableWhenEveryAttemptFailsWith5xx() {
    for (int i = 0; i < 3; i++) {
      replies.add(new Reply(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}"));
    }
    try (RestSchemaRegistryClient client = client(Map.of())) {
      assertThatThrownBy(() -> client.schemaById(5)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
        assertThat(e.retriable()).isTrue();
        assertThat(e.errorCode()).isEqualTo(50001);
        assertThat(e.httpStatus()).isEqualTo(500);
      });
    }
    assertThat(seen).hasSize(3);
  }

  @Test
  void shouldMapConfluentErrorCodesWithoutRetryingWhenTheRegistryAnswers4xx() {
    replies.add(new Reply(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}"));
    replies.add(new Reply(404, "{\"error_code\":40402,\"message\":\"Version 3 not found.\"}"));
    replies.add(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}"));
    replies.add(new Reply(409, "{\"error_code\":40901,\"message\":\"incompatible\"}"));
    replies.add(new Reply(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));
    replies.add(new Reply(401, "<html>Unauthorized</html>"));
    try (RestSchemaRegistryClient client = client(Map.of())) {
      assertThatThrownBy(() -> client.latestVersion("x")).isInstanceOf(SubjectNotFoundException.class)
          .hasMessageContaining("Subject 'x' not found.").hasMessageContaining("40401");
      assertThatThrownBy(() -> client.version("x", 3)).isInstanceOf(VersionNotFoundException.class);
      assertThatThrownBy(() -> client.schemaById(9)).isInstanceOf(SchemaNotFoundException.class);
      assertThatThrownBy(() -> client.register("x", CodeGenRequest.getClassSchema()))
          .isInstanceOf(IncompatibleSchemaException.class);
      assertThatThrownBy(() -> client.register("x", CodeGenRequest.getClassSchema()))
          .isInstanceOf(InvalidSchemaException.class);
      assertThatThrownBy(() -> client.subjects()).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo(50005);
        assertThat(e.retriable()).isFalse();
      });
    }
    assertThat(seen).as("no 4xx answer was retried").hasSize(6);
  }

  @Test
  void shouldSendBasicAuthWhenCredentialsComeFromTheUrlOrFromUserInfo() {
    replies.add(new Reply(200, "[\"a\"]"));
    replies.add(new Reply(200, "[\"a\"]"));
    String withUser = url().replace("http://", "http://alice:s%3Acret@");
    try (RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, withUser))) {
      assertThat(client.subjects()).containsExactly("a");
    }
    try (RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
        AvroSerdeConfig.USER_INFO, "bob:pw"))) {
      assertThat(client.subjects()).containsExactly("a");
    }
    assertThat(seen.get(0).authorization())
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:s:cret".getBytes(StandardCharsets.UTF_8)));
    assertThat(seen.get(1).authorization())
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldTryTheNextUrlWhenTheFirstRefusesConnections() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    replies.add(new Reply(200, "{\"compatibilityLevel\":\"FULL\"}"));
    String urls = "http://127.0.0.1:" + closedPort + "," + url();
    try (RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, urls))) {
      assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL);
    }
    assertThat(seen).hasSize(1);
  }

  @Test
  void shouldFailAsRetriableNamingTheUrlSettingWhenNoRegistryIsReachable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
        "http://127.0.0.1:" + closedPort, AvroSerdeConfig.MAX_RETRIES, 1))) {
      assertThatThrownBy(client::subjects).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
        assertThat(e.retriable()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
        assertThat(e.getMessage()).contains("schema.registry.url").contains(Integer.toString(closedPort));
      });
    }
  }

  @Test
  void shouldUseConfluentPathsAndBodiesWhenCheckingAndSettingCompatibility() {
    replies.add(new Reply(200, "{\"is_compatible\":false}"));
    replies.add(new Reply(200, "{\"compatibility\":\"FULL_TRANSITIVE\"}"));
    replies.add(new Reply(404, "{\"error_code\":40408,\"message\":\"Subject 's' does not have subject-level compatibility configured\"}"));
    try (RestSchemaRegistryClient client = client(Map.of())) {
      assertThat(client.isCompatible("s", 2, CodeGenRequest.getClassSchema())).isFalse();
      assertThat(client.setCompatibility("s", CompatibilityLevel.FULL_TRANSITIVE))
          .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
      assertThat(client.subjectCompatibility("s")).isEmpty();
    }
    assertThat(seen.get(0).rawPath()).isEqualTo("/compatibility/subjects/s/versions/2");
    assertThat(seen.get(1).method()).isEqualTo("PUT");
    assertThat(seen.get(1).rawPath()).isEqualTo("/config/s");
    assertThat(seen.get(1).body()).isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");
  }
}
