package io.codegenstreams.topology.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@code /health/live} and {@code /health/ready} (200 or 503, a small JSON body saying why) and answers 404
 * for any other path that is not {@code /metrics}. Installed as the metrics server's default handler.
 */
final class HealthHandler implements HttpHandler {
  private final HealthCheck check;

  HealthHandler(HealthCheck check) {
    this.check = check;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        respond(exchange, 405, "{\"error\":\"use GET\"}");
        return;
      }
      Health health = switch (path) {
        case MetricsServer.LIVE_PATH -> check.liveness();
        case MetricsServer.READY_PATH -> check.readiness();
        default -> null;
      };
      if (health == null) {
        respond(exchange, 404, "{\"error\":\"not found\",\"paths\":[\"" + MetricsServer.METRICS_PATH + "\",\""
            + MetricsServer.LIVE_PATH + "\",\"" + MetricsServer.READY_PATH + "\"]}");
      } else {
        respond(exchange, health.httpStatus(), health.toJson());
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
