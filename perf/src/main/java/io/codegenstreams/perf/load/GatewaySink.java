package io.codegenstreams.perf.load;

import io.codegenstreams.perf.workload.PlannedRequest;
import io.codegenstreams.perf.workload.Prompts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Sends requests as an HTTP client of the OpenAI-compatible gateway would: {@code POST /v1/completions} with the
 * planned id as {@code Idempotency-Key}, the lane as {@code X-Priority} and the deadline as {@code X-Timeout-Ms},
 * asynchronously (the JDK's HttpClient); a latency ends when the response is read.
 */
public final class GatewaySink implements RequestSink {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final URI completions;
  private volatile ResultTracker tracker;

  public GatewaySink(String baseUrl) {
    this.completions = URI.create(baseUrl + "/completions");
  }

  @Override
  public void attach(ResultTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public void send(PlannedRequest r, Instant createdAt, Instant deadline) {
    String body = "{\"prompt\":\"" + Prompts.ofLength(r.promptBytes()).replace("\\", "\\\\").replace("\"", "\\\"")
        .replace("\n", "\\n") + "\",\"max_tokens\":" + r.maxNewTokens() + "}";
    long timeoutMs = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    HttpRequest request = HttpRequest.newBuilder(completions).header("Content-Type", "application/json")
        .header("Idempotency-Key", r.id()).header("X-Priority", r.lane().name().toLowerCase(Locale.ROOT))
        .header("X-Timeout-Ms", Long.toString(timeoutMs)).timeout(Duration.ofMillis(timeoutMs + 30_000))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    ResultTracker t = tracker;
    client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
      long now = System.nanoTime();
      Outcome outcome = error != null ? Outcome.FAILED : switch (response.statusCode()) {
        case 200 -> Outcome.OK;
        case 504 -> Outcome.TIMEOUT;
        case 429, 400, 404 -> Outcome.REJECTED;
        case 409 -> Outcome.CANCELLED;
        default -> Outcome.FAILED;
      };
      t.answered(r.id(), outcome, false, now);
    });
  }

  @Override
  public String name() {
    return "gateway";
  }
}
