package io.codegenstreams.topology.metrics;

import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.management.MalformedObjectNameException;

/**
 * Kafka Streams, consumer and producer metrics, read from the JVM's MBeans by the JMX exporter's collector into
 * the same registry as the application's metrics, so one scrape returns both.
 *
 * <p>The rules ({@value #RULES}, on the classpath) name the MBeans to read: Kafka registers several hundred, and a
 * catch-all rule costs about 1 MB and 0.2-0.6 s per scrape. {@code k8s/monitoring/jmx-exporter.yml} holds the same
 * rules for the standalone {@code jmx_prometheus_javaagent}; a test keeps the two identical.
 */
public final class KafkaJmxMetrics {
  public static final String RULES = "kafka-jmx-rules.yml";

  private KafkaJmxMetrics() {}

  public static JmxCollector register(PrometheusRegistry registry) {
    try (InputStream rules = KafkaJmxMetrics.class.getResourceAsStream(RULES)) {
      if (rules == null) {
        throw new IllegalStateException(RULES + " is missing from the classpath next to " + KafkaJmxMetrics.class);
      }
      return new JmxCollector(rules).register(registry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException("invalid object name in " + RULES + ": " + e.getMessage(), e);
    }
  }
}
