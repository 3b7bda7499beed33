package io.codegenstreams.topology.metrics;

import io.codegenstreams.embedded.PortInUseException;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;

/**
 * The instance's one HTTP endpoint: {@code /metrics} (Prometheus text or OpenMetrics, by content negotiation) and
 * the health probes {@code /health/live} and {@code /health/ready}. Binds {@code 127.0.0.1} by default; in a pod,
 * bind {@code 0.0.0.0} so that Prometheus and the kubelet can reach it.
 */
public final class MetricsServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 9404;
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Prometheus scrape path. */
  public static final String METRICS_PATH = "/metrics";
  /** Liveness probe path: 503 only when the instance cannot recover by itself. */
  public static final String LIVE_PATH = "/health/live";
  /** Readiness probe path: 200 once the default model is warm and Kafka Streams is RUNNING. */
  public static final String READY_PATH = "/health/ready";
  private static final String NO_DELAY = "sun.net.httpserver.nodelay";

  private final HTTPServer server;
  private final String host;

  private MetricsServer(HTTPServer server, String host) {
    this.server = server;
    this.host = host;
  }

  /**
   * @param port        0 picks a free port ({@link #port()} tells which)
   * @param portSetting the user-facing setting that chooses the port, named in {@link PortInUseException}
   */
  public static MetricsServer start(String host, int port, String portSetting, PrometheusRegistry registry,
                                    HealthCheck health) {
    preferNoDelay();
    try {
      HTTPServer server = HTTPServer.builder()
          .hostname(host)
          .port(port)
          .registry(registry)
          .metricsHandlerPath(METRICS_PATH)
          .registerHealthHandler(false)
          .defaultHandler(new HealthHandler(health))
          .buildAndStart();
      return new MetricsServer(server, host);
    } catch (BindException e) {
      throw new PortInUseException(host, port, portSetting);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Asks the JDK's HTTP server to set TCP_NODELAY, unless {@value #NO_DELAY} is set already. Without it a scrape
   * waits about 40 ms for Nagle's algorithm and the client's delayed ACK (measured: ~50 ms per scrape instead of a
   * few). The JDK reads the property once, when its first HTTP server in the JVM starts: call this before any (the
   * embedded schema registry also uses that server).
   */
  public static void preferNoDelay() {
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
  }

  public int port() {
    return server.getPort();
  }

  /** {@code http://host:port}, without a path. */
  public String url() {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  @Override
  public void close() {
    server.close();
  }
}
