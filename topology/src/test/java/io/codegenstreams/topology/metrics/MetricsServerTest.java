package io.codegenstreams.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codegenstreams.embedded.PortInUseException;
import io.codegenstreams.inference.EngineConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final FakeEngine engine = new FakeEngine();
  private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>();
  private final CodegenMetrics metrics = CodegenMetrics.withoutKafkaJmx(engine,
      new EngineConfig(Map.of(EngineConfig.MODELS, "java-coder-tiny", EngineConfig.DEFAULT_MODEL, "java-coder-tiny")),
      state::get);
  private final MetricsServer server = metrics.serve("127.0.0.1", 0, "--metrics-port");
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeTheRegistryWhenMetricsAreScraped() throws Exception {
    HttpResponse<String> response = send("GET", "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    Scrape scrape = Scrape.parse(response.body());
    assertThat(scrape.value(HealthCheck.READY_METRIC)).isZero();
    assertThat(scrape.all(EngineStatsCollector.QUEUE_DEPTH)).hasSize(3);
  }

  @Test
  void shouldAnswer503Then200WhenThePipelineBecomesReady() throws Exception {
    HttpResponse<String> cold = send("GET", "/health/ready");
    engine.ready.complete(null);
    state.set(KafkaStreams.State.RUNNING);
    HttpResponse<String> ready = send("GET", "/health/ready");

    assertThat(cold.statusCode()).isEqualTo(503);
    assertThat(cold.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(cold.body()).startsWith("{\"status\":\"DOWN\",\"reason\":\"the default model is loading or warming up\"");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).startsWith("{\"status\":\"UP\",\"reason\":\"ready\"");
    assertThat(Scrape.parse(send("GET", "/metrics").body()).value(HealthCheck.READY_METRIC)).isEqualTo(1);
  }

  @Test
  void shouldAnswerLivenessWhileTheModelWarmsUp() throws Exception {
    HttpResponse<String> live = send("GET", "/health/live");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("\"status\":\"UP\"");
  }

  @Test
  void shouldAnswer404ForOtherPathsAnd405ForOtherMethods() throws Exception {
    assertThat(send("GET", "/health").statusCode()).isEqualTo(404);
    assertThat(send("GET", "/").statusCode()).isEqualTo(404);
    assertThat(send("POST", "/health/ready").statusCode()).isEqualTo(405);
  }

  @Test
  void shouldNameTheOptionWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> metrics.serve("127.0.0.1", taken.getLocalPort(), "--metrics-port"))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("Port " + taken.getLocalPort()).hasMessageContaining("--metrics-port");
    }
  }
}
