package io.codegenstreams.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaJmxMetricsTest {
  private static final Path AGENT_CONFIG =
      Path.of(System.getProperty("user.dir")).resolveSibling("k8s").resolve("monitoring").resolve("jmx-exporter.yml");

  private static KafkaProducer<byte[], byte[]> producer(String clientId) {
    // never connects: the broker address is not contacted until a send; the MBeans exist from construction
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
        ProducerConfig.CLIENT_ID_CONFIG, clientId), new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Test
  void shouldExportOnlyThePipelinesClientsWhenOtherKafkaClientsShareTheJvm() {
    PrometheusRegistry registry = new PrometheusRegistry();
    KafkaJmxMetrics.register(registry);
    try (KafkaProducer<byte[], byte[]> pipeline = producer("codegen-streams-1234-StreamThread-1-producer");
         KafkaProducer<byte[], byte[]> other = producer("embedded-schema-registry-test")) {
      Scrape scrape = Exposition.of(registry);

      assertThat(scrape.all("kafka_producer_record_send_total")).singleElement()
          .satisfies(s -> assertThat(s.label("client_id")).isEqualTo("codegen-streams-1234-StreamThread-1-producer"));
      assertThat(scrape.all("kafka_producer_buffer_available_bytes")).singleElement()
          .satisfies(s -> assertThat(s.value()).isPositive());
      assertThat(scrape.samples()).as("only renamed series, nothing in the exporter's default format")
          .allMatch(s -> s.name().startsWith("kafka_producer_") || s.name().startsWith("jmx_"));
      pipeline.close(Duration.ZERO);
      other.close(Duration.ZERO);
    }
  }

  @Test
  void shouldShipTheSameRulesToTheJavaAgentWhenDeployedWithoutTheInProcessCollector() throws IOException {
    String inProcess;
    try (InputStream rules = KafkaJmxMetrics.class.getResourceAsStream(KafkaJmxMetrics.RULES)) {
      inProcess = new String(rules.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    assertThat(Files.readString(AGENT_CONFIG))
        .as("%s must equal the classpath resource %s: copy it over", AGENT_CONFIG, KafkaJmxMetrics.RULES)
        .isEqualTo(inProcess);
  }
}
